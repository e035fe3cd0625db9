"""The fine-tune gate opens and closes as Legal acts on the training mix and the policy."""

import pytest

from governance import services as governance
from governance.policies import services as policies
from planner.gates import NO_MIX, NO_POLICY, gate_blockers
from planner.models import Gate
from planner.services.projects import project_update
from tests.planner.factories import ProjectFactory

pytestmark = pytest.mark.django_db

CATEGORIES = [{"code": "S1", "name": "Violent Crimes", "description": "No help with violence."}]


def instantiate(client, project):
    response = client.post(
        f"/api/v1/projects/{project.pk}/roadmap/",
        {"template": "two-week-kickoff", "start_date": "2026-11-30"},
    )
    return {t["key"]: t for t in response.json()["tasks"]}


def draft_mix(pm, name="SFT mix"):
    dataset = governance.dataset_create(
        actor=pm, name=f"{name} data", license_expression="CC-BY-4.0"
    )
    mix = governance.training_mix_create(
        actor=pm, name=name, components=[{"dataset": dataset, "weight": 1.0}]
    )
    return dataset, mix


def test_an_unlinked_project_is_blocked_on_both_links(pm):
    project = ProjectFactory(owner=pm)
    assert gate_blockers(project, Gate.FINE_TUNE) == [NO_MIX, NO_POLICY]
    assert gate_blockers(project, "") == []


def test_gate_opens_when_legal_approves_the_mix_and_publishes_the_policy(api, pm, legal):
    dataset, mix = draft_mix(pm)
    policy = policies.policy_create(actor=legal, name="Support bot", categories=CATEGORIES)
    project = ProjectFactory(owner=pm)
    project_update(project=project, actor=pm, training_mix=mix.pk, policy=policy.pk)
    fine_tune = instantiate(api(pm), project)["first-fine-tune"]
    url = f"/api/v1/roadmap-tasks/{fine_tune['id']}/"

    body = api(pm).patch(url, {"status": "doing"}).json()
    assert body["error"] == "gate_closed"
    assert "Training mix 'SFT mix' has not been submitted for legal review." in body["blockers"]
    assert "Policy 'Support bot' has no published version yet." in body["blockers"]

    # The PM submits; Legal approves the dataset and then the mix.
    governance.training_mix_submit(actor=pm, mix=mix)
    body = api(pm).patch(url, {"status": "doing"}).json()
    assert "Training mix 'SFT mix' is awaiting legal review." in body["blockers"]
    governance.dataset_submit(actor=pm, dataset=dataset)
    governance.dataset_approve(actor=legal, dataset=dataset)
    governance.training_mix_approve(actor=legal, mix=mix)
    body = api(pm).patch(url, {"status": "doing"}).json()
    assert body["blockers"] == ["Policy 'Support bot' has no published version yet."]

    # Legal publishes the policy: the gate opens and Legal can see it did.
    for verb in ("submit", "approve", "publish"):
        policies.policy_transition(actor=legal, policy=policy, verb=verb)
    roadmap = api(legal).get(f"/api/v1/projects/{project.pk}/roadmap/").json()
    gated = next(t for t in roadmap["tasks"] if t["key"] == "first-fine-tune")
    assert gated["blockers"] == []
    response = api(pm).patch(url, {"status": "doing"})
    assert response.status_code == 200, response.json()
    assert response.json()["task"]["status"] == "doing"


def test_gate_closes_again_when_the_policy_is_retired_or_the_mix_changes(api, pm, legal):
    dataset, mix = draft_mix(pm, name="Chat mix")
    governance.dataset_submit(actor=pm, dataset=dataset)
    governance.dataset_approve(actor=legal, dataset=dataset)
    governance.training_mix_submit(actor=pm, mix=mix)
    mix = governance.training_mix_approve(actor=legal, mix=mix)
    policy = policies.policy_create(actor=legal, name="Chat policy", categories=CATEGORIES)
    for verb in ("submit", "approve", "publish"):
        policies.policy_transition(actor=legal, policy=policy, verb=verb)
    project = ProjectFactory(owner=pm)
    project_update(project=project, actor=pm, training_mix=mix.pk, policy=policy.pk)
    assert gate_blockers(project, Gate.FINE_TUNE) == []

    policies.policy_transition(actor=legal, policy=policy, verb="retire")
    assert gate_blockers(project, Gate.FINE_TUNE) == [
        "Policy 'Chat policy' has no published version yet."
    ]

    # The PM can now link a different published policy: Llama Guard's seeded default.
    default = policies.policy_default_ensure()
    project_update(project=project, actor=pm, policy=default.pk)
    assert gate_blockers(project, Gate.FINE_TUNE) == []

    # Changing the approved mix's datasets sends it back to Legal: the gate closes.
    other = governance.dataset_create(actor=pm, name="Extra data", license_expression="MIT")
    governance.training_mix_update(
        actor=pm,
        mix=mix,
        components=[{"dataset": dataset, "weight": 1.0}, {"dataset": other, "weight": 0.5}],
    )
    project.refresh_from_db()
    assert "Training mix 'Chat mix' has not been submitted for legal review." in gate_blockers(
        project, Gate.FINE_TUNE
    )


def test_the_project_page_and_dashboard_show_the_gate_to_legal(client_as, pm, legal):
    _, mix = draft_mix(pm, name="Page mix")
    project = ProjectFactory(owner=pm, name="Gated project")
    project_update(project=project, actor=pm, training_mix=mix.pk)
    client = client_as(pm)
    client.post(
        f"/planner/projects/{project.pk}/roadmap/",
        {"template": "two-week-kickoff", "start_date": "2026-11-30"},
    )
    html = client_as(legal).get(f"/planner/projects/{project.pk}/").content.decode()
    assert "Training mix &#x27;Page mix&#x27; has not been submitted for legal review." in html
    assert NO_POLICY in html
    html = client_as(legal).get("/planner/").content.decode()
    assert "First fine-tune" in html
