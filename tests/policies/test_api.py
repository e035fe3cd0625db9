"""The policies API: CRUD, workflow verbs, versions, preview, published taxonomy, attestation."""

# ruff: noqa: E501

import pytest

from core.roles import Role
from governance.policies.models import Policy, PolicyVersion
from tests.policies.factories import CUSTOM_CATEGORIES, policy_with_version

pytestmark = pytest.mark.django_db
BASE = "/api/v1/policies/"

DEFAULT_CATEGORY_BLOCK = "\n".join(
    [
        "<BEGIN UNSAFE CONTENT CATEGORIES>",
        "S1: Violent Crimes.",
        "S2: Non-Violent Crimes.",
        "S3: Sex Crimes.",
        "S4: Child Exploitation.",
        "S5: Defamation.",
        "S6: Specialized Advice.",
        "S7: Privacy.",
        "S8: Intellectual Property.",
        "S9: Indiscriminate Weapons.",
        "S10: Hate.",
        "S11: Self-Harm.",
        "S12: Sexual Content.",
        "S13: Elections.",
        "<END UNSAFE CONTENT CATEGORIES>",
    ]
)
EXPECTED_DEFAULT_PROMPT = (
    "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n"
    "Task: Check if there is unsafe content in 'Agent' messages in conversations according our safety policy with the below categories.\n\n"
    f"{DEFAULT_CATEGORY_BLOCK}\n\n"
    "<BEGIN CONVERSATION>\n\n"
    "User: Where do I vote?\n\n"
    "Agent: At your polling station.\n\n"
    "<END CONVERSATION>\n\n"
    "Provide your safety assessment for ONLY THE LAST Agent message in the above conversation:\n"
    " - First line must read 'safe' or 'unsafe'.\n"
    " - If unsafe, a second line must include a comma-separated list of violated categories.<|eot_id|><|start_header_id|>assistant<|end_header_id|>"
)
CONVERSATION = [
    {"role": "user", "content": "Where do I vote?"},
    {"role": "assistant", "content": "At your polling station."},
]


def _publish(client, pk):
    for verb in ("submit", "approve", "publish"):
        response = client.post(f"{BASE}{pk}/{verb}/", {"note": verb})
        assert response.status_code == 200, response.json()
    return response.json()


def test_create_policy_with_categories_then_walk_the_workflow(api, legal):
    client = api(legal)
    response = client.post(
        BASE, {"name": "Support bot", "categories": CUSTOM_CATEGORIES, "summary": "First cut"}
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["latest_version"]["status"] == "draft"
    assert body["published_version"] is None
    published = _publish(client, body["id"])
    assert published["status"] == "published" and published["number"] == 1
    assert [c["code"] for c in published["categories"]] == ["S1", "S6", "C1"]
    assert [t["to_status"] for t in published["transitions"]][:3] == [
        "published",
        "approved",
        "in_review",
    ]
    assert published["transitions"][0]["actor"] == "legal_user"


@pytest.mark.parametrize(
    ("categories", "fragment"),
    [
        ([{"code": "S1", "name": "A"}, {"code": "S1", "name": "B"}], "S1 is used twice"),
        ([{"code": "bad code", "name": "A"}], "'bad code' is malformed"),
        ([{"code": "S1", "name": ""}], "name is required"),
    ],
)
def test_bad_categories_are_a_400_naming_the_problem(api, legal, categories, fragment):
    before = Policy.objects.count()
    response = api(legal).post(BASE, {"name": "Broken", "categories": categories})
    assert response.status_code == 400
    assert fragment in response.json()["detail"]
    assert Policy.objects.count() == before  # nothing half-written


def test_publishing_with_no_enabled_category_is_a_400(api, legal):
    client = api(legal)
    pk = client.post(
        BASE, {"name": "Off", "categories": [{"code": "S1", "name": "V", "enabled": False}]}
    ).json()["id"]
    response = client.post(f"{BASE}{pk}/submit/")
    assert response.status_code == 400
    assert response.json()["detail"] == "The version has no enabled category."
    assert PolicyVersion.objects.get(policy_id=pk).status == "draft"


def test_non_legal_transitions_are_403(api, legal, pm):
    policy = policy_with_version(legal)
    client = api(pm)
    assert client.post(f"{BASE}{policy.pk}/submit/").status_code == 403
    api(legal).post(f"{BASE}{policy.pk}/submit/")
    response = client.post(f"{BASE}{policy.pk}/approve/")
    assert response.status_code == 403
    assert "Legal" in response.json()["detail"]
    assert client.post(BASE, {"name": "Mine"}).status_code == 403
    # PMs still read policies.
    assert client.get(f"{BASE}{policy.pk}/").status_code == 200


def test_annotators_cannot_browse_policies_but_can_read_the_published_ones(api, annotator):
    client = api(annotator)
    assert client.get(BASE).status_code == 403
    response = client.get(f"{BASE}published/")
    assert response.status_code == 200
    assert "default" in [p["slug"] for p in response.json()]


def test_versions_list_new_draft_and_patch_rules(api, legal):
    policy = policy_with_version(legal, publish=True)
    client = api(legal)
    versions = client.get(f"{BASE}{policy.pk}/versions/").json()
    assert [(v["number"], v["status"]) for v in versions] == [(1, "published")]
    published_id = versions[0]["id"]
    response = client.patch(
        f"{BASE}{policy.pk}/versions/{published_id}/", {"summary": "edit in place"}
    )
    assert response.status_code == 409
    assert "published and cannot change" in response.json()["detail"]

    draft = client.post(f"{BASE}{policy.pk}/versions/", {"note": "Add a code"})
    assert draft.status_code == 201
    draft = draft.json()
    assert draft["number"] == 2 and draft["status"] == "draft"
    categories = [*draft["categories"], {"code": "C2", "name": "Legal Threats"}]
    response = client.patch(
        f"{BASE}{policy.pk}/versions/{draft['id']}/",
        {"categories": categories, "summary": "C2 added"},
    )
    assert response.status_code == 200, response.json()
    assert [c["code"] for c in response.json()["categories"]] == ["S1", "S6", "C1", "C2"]

    diff = client.get(f"{BASE}{policy.pk}/diff/", {"from_version": 1, "to_version": 2}).json()
    assert [c["code"] for c in diff["added"]] == ["C2"]
    assert diff["removed"] == [] and diff["changed"] == []


def test_published_taxonomy_for_pipelines(api, legal, pipeline):
    policy_with_version(
        legal,
        publish=True,
        exceptions=[{"scope": "clinic", "code": "S6", "reason": "Clinicians"}],
    )
    response = api(pipeline).get(f"{BASE}published/", {"slug": "support-bot"})
    assert response.status_code == 200
    (entry,) = response.json()
    assert entry["policy_version"] == 1
    assert [c["code"] for c in entry["categories"]] == ["S1", "S6", "C1"]
    assert entry["exceptions"] == [{"scope": "clinic", "code": "S6", "reason": "Clinicians"}]
    assert api(pipeline).post(BASE, {"name": "x"}).status_code == 403


def test_guard_prompt_for_the_default_policy_is_exact(api, pm):
    pk = Policy.objects.get(slug="default").pk
    response = api(pm).post(f"{BASE}{pk}/guard-prompt/", {"conversation": CONVERSATION})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["policy_version"] == 1
    assert body["prompt"] == EXPECTED_DEFAULT_PROMPT


def test_guard_prompt_with_descriptions_role_and_scope(api, legal):
    policy = policy_with_version(
        legal,
        publish=True,
        exceptions=[{"scope": "clinic", "code": "S6", "reason": "Clinicians"}],
    )
    client = api(legal)
    body = client.post(
        f"{BASE}{policy.pk}/guard-prompt/",
        {"conversation": CONVERSATION[:1], "role": "User", "with_descriptions": True},
    ).json()
    assert (
        "<BEGIN UNSAFE CONTENT CATEGORIES>\n"
        "S1: Violent Crimes.\nNo help with violence.\n"
        "S6: Specialized Advice.\nNever give dosage advice.\n"
        "C1: Competitor Pricing.\nNever quote rivals' prices.\n"
        "<END UNSAFE CONTENT CATEGORIES>"
    ) in body["prompt"]
    assert "ONLY THE LAST User message" in body["prompt"]
    scoped = client.post(
        f"{BASE}{policy.pk}/guard-prompt/", {"conversation": CONVERSATION, "scope": "clinic"}
    ).json()
    assert "S6:" not in scoped["prompt"] and scoped["categories"] == ["S1", "C1"]


def test_guard_prompt_bad_input_is_a_400(api, legal):
    pk = Policy.objects.get(slug="default").pk
    client = api(legal)
    response = client.post(f"{BASE}{pk}/guard-prompt/", {"conversation": []})
    assert response.status_code == 400
    response = client.post(
        f"{BASE}{pk}/guard-prompt/", {"conversation": [{"role": "system", "content": "x"}]}
    )
    assert response.status_code == 400 and "role" in response.json()["detail"]
    draft_only = policy_with_version(legal, name="Unpublished")
    response = client.post(f"{BASE}{draft_only.pk}/guard-prompt/", {"conversation": CONVERSATION})
    assert response.status_code == 400 and "no published version" in response.json()["detail"]
    response = client.post(
        f"{BASE}{draft_only.pk}/guard-prompt/", {"conversation": CONVERSATION, "version": 1}
    )
    assert response.status_code == 200 and response.json()["policy_version"] == 1


def test_attestation_endpoints(api, legal, pm, annotator, make_user):
    policy = policy_with_version(legal, publish=True)
    assert api(annotator).post(f"{BASE}{policy.pk}/attest/").status_code == 201
    response = api(pm).post(f"{BASE}{policy.pk}/attest/")
    assert response.status_code == 201
    assert response.json()["policy_version"] == 1
    assert api(make_user(Role.PIPELINE)).post(f"{BASE}{policy.pk}/attest/").status_code == 403
    state = api(legal).get(f"{BASE}{policy.pk}/attestations/").json()
    assert {a["user"] for a in state["attested"]} == {"pm_user", "annotator_user"}
    assert "legal_user" in state["pending"]
    assert api(pm).get(f"{BASE}{policy.pk}/attestations/").status_code == 403


def test_patch_and_delete_policy(api, legal, make_user):
    approver = make_user(Role.LEGAL, username="second_legal")
    policy = policy_with_version(legal)
    client = api(legal)
    response = client.patch(
        f"{BASE}{policy.pk}/", {"review_cadence_days": 30, "approvers": ["second_legal"]}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["approvers"] == ["second_legal"]
    assert list(Policy.objects.get(pk=policy.pk).approvers.all()) == [approver]
    assert client.delete(f"{BASE}{policy.pk}/").status_code == 204
    default = Policy.objects.get(slug="default")
    assert client.delete(f"{BASE}{default.pk}/").status_code == 409
