"""The fine-tune gate opens and closes with governance's verdicts on the linked mix and policy."""

import pytest

from planner.gates import NO_MIX, NO_POLICY, GateReader, gate_blockers
from planner.models import Gate
from planner.services.projects import project_update
from tests.planner.factories import ProjectFactory
from tests.planner.governance import default_policy_id, mix_row, policy_row

pytestmark = pytest.mark.django_db

NOT_SUBMITTED = "Training mix 'SFT mix' has not been submitted for legal review."


def instantiate(client, project):
    response = client.post(
        f"/api/v1/projects/{project.pk}/roadmap/",
        {"template": "two-week-kickoff", "start_date": "2026-11-30"},
    )
    return {t["key"]: t for t in response.json()["tasks"]}


def test_an_unlinked_project_is_blocked_on_both_links(pm):
    project = ProjectFactory(owner=pm)
    assert gate_blockers(project, Gate.FINE_TUNE) == [NO_MIX, NO_POLICY]
    assert gate_blockers(project, "") == []


def test_gate_opens_when_legal_clears_the_mix_and_publishes_the_policy(api, pm, legal, verdicts):
    mix, policy = mix_row("SFT mix"), policy_row("Support bot")
    verdicts.mix_blockers[mix] = [NOT_SUBMITTED]
    project = ProjectFactory(owner=pm)
    project_update(project=project, actor=pm, training_mix=mix, policy=policy)
    fine_tune = instantiate(api(pm), project)["first-fine-tune"]
    url = f"/api/v1/roadmap-tasks/{fine_tune['id']}/"

    response = api(pm).patch(url, {"status": "doing"})
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "gate_closed"
    assert body["blockers"] == [NOT_SUBMITTED, "Policy 'Support bot' has no published version yet."]

    verdicts.mix_blockers[mix] = []  # Legal approved the mix and its datasets
    body = api(pm).patch(url, {"status": "doing"}).json()
    assert body["blockers"] == ["Policy 'Support bot' has no published version yet."]

    # Legal publishes the policy: the gate opens and Legal can see it did.
    verdicts.published[policy] = True
    roadmap = api(legal).get(f"/api/v1/projects/{project.pk}/roadmap/").json()
    gated = next(t for t in roadmap["tasks"] if t["key"] == "first-fine-tune")
    assert gated["blockers"] == []
    response = api(pm).patch(url, {"status": "doing"})
    assert response.status_code == 200, response.json()
    assert response.json()["task"]["status"] == "doing"


def test_gate_closes_again_when_a_verdict_is_withdrawn(pm, verdicts):
    mix, policy = mix_row("Chat mix"), policy_row("Chat policy")
    verdicts.published[policy] = True
    project = ProjectFactory(owner=pm)
    project_update(project=project, actor=pm, training_mix=mix, policy=policy)
    assert gate_blockers(project, Gate.FINE_TUNE) == []

    verdicts.published[policy] = False  # retired
    assert gate_blockers(project, Gate.FINE_TUNE) == [
        "Policy 'Chat policy' has no published version yet."
    ]
    verdicts.mix_blockers[mix] = [
        "Training mix 'Chat mix' has not been submitted for legal review."
    ]
    assert gate_blockers(project, Gate.FINE_TUNE)[0].startswith("Training mix 'Chat mix'")


def test_one_reader_asks_about_each_linked_record_once(pm, verdicts):
    mix, policy = mix_row("Shared mix"), policy_row("Shared policy")
    projects = [ProjectFactory(owner=pm, training_mix_id=mix, policy_id=policy) for _ in range(3)]
    reader = GateReader()
    for project in projects:
        reader.blockers(project, Gate.FINE_TUNE)
    assert verdicts.calls == 2


def test_the_project_page_and_dashboard_show_the_gate_to_legal(client_as, pm, legal):
    # Governance's real answers for a draft mix that no one submitted yet.
    project = ProjectFactory(owner=pm, name="Gated project")
    project_update(project=project, actor=pm, training_mix=mix_row("Page mix"))
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


def test_a_published_default_policy_opens_its_half_of_the_gate(pm):
    project = ProjectFactory(owner=pm)
    project_update(project=project, actor=pm, policy=default_policy_id())
    assert gate_blockers(project, Gate.FINE_TUNE) == [NO_MIX]
