"""The workflow table is the one rule: the page offers exactly the verbs the API accepts (and
the service applies), for every state a policy can be in."""

import re

import pytest
from django.urls import NoReverseMatch, reverse

from governance.policies import workflow
from governance.policies.models import PolicyVersion
from governance.policies.services import versions
from governance.policies.services import workflow as transitions
from tests.policies.factories import policy_with_version

pytestmark = pytest.mark.django_db
Status = PolicyVersion.Status


def _walk(legal, policy, *verbs):
    for verb in verbs:
        transitions.policy_transition(actor=legal, policy=policy, verb=verb)


SCENARIOS = {
    "draft": lambda legal, p: None,
    "in_review": lambda legal, p: _walk(legal, p, "submit"),
    "approved": lambda legal, p: _walk(legal, p, "submit", "approve"),
    "published": lambda legal, p: _walk(legal, p, "submit", "approve", "publish"),
    "published_with_draft": lambda legal, p: (
        _walk(legal, p, "submit", "approve", "publish"),
        versions.version_draft_start(actor=legal, policy=p),
    ),
    "published_with_review": lambda legal, p: (
        _walk(legal, p, "submit", "approve", "publish"),
        versions.version_draft_start(actor=legal, policy=p),
        _walk(legal, p, "submit"),
    ),
    "retired": lambda legal, p: _walk(legal, p, "submit", "approve", "publish", "retire"),
}


def _policy_in(legal, scenario, name):
    policy = policy_with_version(legal, name=name)
    SCENARIOS[scenario](legal, policy)
    return policy


def _offered(client, policy):
    html = client.get(f"/governance/policies/{policy.pk}/").content.decode()
    return set(re.findall(r'data-verb="([a-z_]+)"', html))


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_the_page_offers_exactly_the_verbs_the_api_accepts(scenario, legal, client_as, api):
    offered = _offered(client_as(legal), _policy_in(legal, scenario, "Shown"))
    accepted = set()
    for index, verb in enumerate(workflow.VERBS):
        policy = _policy_in(legal, scenario, f"Try {index}")
        response = api(legal).post(f"/api/v1/policies/{policy.pk}/{verb}/")
        assert response.status_code in (200, 400, 409), response.json()
        if response.status_code == 200:
            accepted.add(verb)
    assert offered == accepted


def test_the_api_has_one_action_per_verb_of_the_table_and_no_other():
    for verb in workflow.VERBS:
        assert reverse(f"policy-{verb}", args=[1]) == f"/api/v1/policies/1/{verb}/"
    with pytest.raises(NoReverseMatch):
        reverse("policy-abandon", args=[1])


def test_an_unknown_verb_is_a_404_on_the_page(client_as, legal):
    policy = policy_with_version(legal)
    response = client_as(legal).post(f"/governance/policies/{policy.pk}/transition/abandon/")
    assert response.status_code == 404


def test_people_without_the_rule_are_offered_nothing_and_refused(client_as, api, legal, pm):
    policy = _policy_in(legal, "in_review", "Waiting")
    assert _offered(client_as(pm), policy) == set()
    for verb in workflow.VERBS:
        assert api(pm).post(f"/api/v1/policies/{policy.pk}/{verb}/").status_code == 403


def test_non_approvers_are_not_offered_approve(client_as, legal, make_user):
    from core.roles import Role

    approver = make_user(Role.LEGAL, username="named_approver")
    policy = policy_with_version(legal, approvers=[approver])
    _walk(legal, policy, "submit")
    assert "approve" not in _offered(client_as(legal), policy)
    assert "approve" in _offered(client_as(approver), policy)


def test_retire_takes_the_version_in_force_out_of_force_even_with_a_draft_open(legal):
    policy = _policy_in(legal, "published_with_draft", "Retiring")
    retired = transitions.policy_transition(actor=legal, policy=policy, verb="retire")
    assert retired.number == 1 and retired.status == Status.RETIRED
    assert policy.versions.get(number=2).status == Status.DRAFT


def test_a_draft_cannot_be_retired(legal):
    from core.public import ConflictError

    policy = policy_with_version(legal)
    with pytest.raises(ConflictError, match="no published version"):
        transitions.policy_transition(actor=legal, policy=policy, verb="retire")


def test_every_status_reaches_a_verb_or_is_final():
    reachable = {t.target for t in workflow.TRANSITIONS} | {Status.DRAFT}
    assert reachable == set(Status.values)
    for status in Status.values:
        latest = workflow.transitions_from(status, workflow.Subject.LATEST)
        in_force = workflow.transitions_from(status, workflow.Subject.IN_FORCE)
        assert latest or in_force or status == Status.RETIRED
