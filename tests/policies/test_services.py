"""Policy workflow, immutability, exceptions, attestation and the periodic review."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from core.models import Notification
from core.public import SYSTEM, ApplicationError, ConflictError
from core.roles import Role
from governance.policies import reference_data, selectors
from governance.policies.guard_prompt import LLAMA_GUARD_3_CATEGORIES
from governance.policies.models import Policy, PolicyTransition, PolicyVersion
from governance.policies.services import attestations, exceptions, policies, reviews, versions
from governance.policies.services import workflow as transitions
from tests.policies.factories import CUSTOM_CATEGORIES, policy_with_version

pytestmark = pytest.mark.django_db
Status = PolicyVersion.Status


def test_seeded_default_policy_is_published_with_s1_to_s13():
    policy = Policy.objects.get(slug="default")
    version = selectors.policy_published_version(policy)
    assert version is not None and version.number == 1
    names = [(c.code, c.name) for c in selectors.guard_categories(version)]
    assert names == [(c.code, c.name) for c in LLAMA_GUARD_3_CATEGORIES[:13]]
    s14 = version.categories.get(code="S14")
    assert s14.name == "Code Interpreter Abuse" and not s14.enabled
    assert reference_data.default_policy_ensure() == policy


def test_create_starts_a_draft_and_records_it(legal):
    policy = policy_with_version(legal)
    version = selectors.policy_latest_version(policy)
    assert version.status == Status.DRAFT and version.number == 1
    assert [c.code for c in version.categories.all()] == ["S1", "S6", "C1"]
    assert policy.owner == legal and policy.slug == "support-bot"
    assert version.transitions.get().to_status == Status.DRAFT


def test_create_without_categories_starts_from_llama_guard(legal):
    policy = policies.policy_create(actor=legal, name="Fresh")
    version = selectors.policy_latest_version(policy)
    assert version.categories.count() == 14
    assert not version.categories.get(code="S14").enabled


def test_full_workflow_records_who_when_and_note(legal):
    policy = policy_with_version(legal)
    transitions.policy_transition(actor=legal, policy=policy, verb="submit", note="Ready")
    transitions.policy_transition(actor=legal, policy=policy, verb="approve", note="Looks right")
    version = transitions.policy_transition(actor=legal, policy=policy, verb="publish")
    assert version.status == Status.PUBLISHED and version.published_at is not None
    steps = list(version.transitions.order_by("created_at", "id"))
    assert [(t.from_status, t.to_status) for t in steps] == [
        ("", "draft"),
        ("draft", "in_review"),
        ("in_review", "approved"),
        ("approved", "published"),
    ]
    assert steps[1].note == "Ready" and steps[2].actor == legal
    policy.refresh_from_db()
    assert policy.next_review_on == timezone.localdate() + datetime.timedelta(days=180)


def test_publish_needs_approval_first(legal):
    policy = policy_with_version(legal)
    with pytest.raises(ConflictError, match="Cannot publish version 1: it is draft"):
        transitions.policy_transition(actor=legal, policy=policy, verb="publish")


@pytest.mark.parametrize("role", [Role.PM, Role.ANNOTATOR, Role.PIPELINE])
def test_only_legal_moves_versions(make_user, legal, role):
    policy = policy_with_version(legal)
    transitions.policy_transition(actor=legal, policy=policy, verb="submit")
    with pytest.raises(PermissionDenied):
        transitions.policy_transition(actor=make_user(role), policy=policy, verb="approve")
    assert selectors.policy_latest_version(policy).status == Status.IN_REVIEW


def test_named_approvers_are_the_only_ones_who_approve(make_user, legal):
    other_legal = make_user(Role.LEGAL)
    policy = policy_with_version(legal, approvers=[other_legal])
    transitions.policy_transition(actor=legal, policy=policy, verb="submit")
    with pytest.raises(PermissionDenied, match="approvers"):
        transitions.policy_transition(actor=legal, policy=policy, verb="approve")
    transitions.policy_transition(actor=other_legal, policy=policy, verb="approve")


def test_published_version_is_immutable_and_editing_starts_a_new_draft(legal):
    policy = policy_with_version(legal, publish=True)
    published = selectors.policy_published_version(policy)
    with pytest.raises(ConflictError, match="published and cannot change"):
        versions.version_update(actor=legal, version=published, summary="sneaky")
    draft = versions.version_draft_start(actor=legal, policy=policy)
    assert draft.number == 2 and draft.status == Status.DRAFT
    assert [c.code for c in draft.categories.all()] == ["S1", "S6", "C1"]
    # Asking again returns the same open draft rather than piling up drafts.
    assert versions.version_draft_start(actor=legal, policy=policy) == draft
    versions.category_change(
        actor=legal, version=draft, code="C1", changes={"description": "Changed"}
    )
    assert published.categories.get(code="C1").description == "Never quote rivals' prices."


def test_publishing_a_new_version_retires_the_old_one(legal):
    policy = policy_with_version(legal, publish=True)
    draft = versions.version_draft_start(actor=legal, policy=policy)
    versions.category_remove(actor=legal, version=draft, code="C1")
    for verb in ("submit", "approve", "publish"):
        transitions.policy_transition(actor=legal, policy=policy, verb=verb)
    statuses = dict(policy.versions.values_list("number", "status"))
    assert statuses == {1: Status.RETIRED, 2: Status.PUBLISHED}
    assert selectors.policy_published_version(policy).number == 2
    retire = PolicyTransition.objects.get(version__number=1, to_status=Status.RETIRED)
    assert retire.note == "Replaced by version 2"


@pytest.mark.parametrize(
    ("categories", "message"),
    [
        ([{"code": "S1", "name": "Violent Crimes", "enabled": False}], "no enabled category"),
        (
            [{"code": "S1", "name": "Violent Crimes"}, {"code": "S1", "name": "Again"}],
            "Category code S1 is used twice",
        ),
        ([{"code": "s-1", "name": "Bad"}], "Category code 's-1' is malformed"),
    ],
)
def test_bad_categories_are_refused_and_nothing_is_half_written(legal, categories, message):
    policy = policy_with_version(legal)
    draft = selectors.policy_latest_version(policy)
    if "enabled" in categories[0]:
        versions.version_update(actor=legal, version=draft, categories=categories)
        with pytest.raises(ApplicationError, match=message):
            transitions.policy_transition(actor=legal, policy=policy, verb="submit")
        assert selectors.policy_latest_version(policy).status == Status.DRAFT
        return
    with pytest.raises(ApplicationError, match=message):
        versions.version_update(actor=legal, version=draft, categories=categories, summary="half")
    draft.refresh_from_db()
    assert draft.summary == "First version"
    assert [c.code for c in draft.categories.all()] == ["S1", "S6", "C1"]


def test_exceptions_exclude_categories_per_scope(legal):
    policy = policy_with_version(
        legal,
        exceptions=[{"scope": "clinic-helpdesk", "code": "S6", "reason": "Clinicians"}],
        publish=True,
    )
    version = selectors.policy_published_version(policy)
    assert [c.code for c in selectors.guard_categories(version)] == ["S1", "S6", "C1"]
    assert [c.code for c in selectors.guard_categories(version, scope="clinic-helpdesk")] == [
        "S1",
        "C1",
    ]
    assert [c.code for c in selectors.guard_categories(version, scope="other")] == [
        "S1",
        "S6",
        "C1",
    ]


def test_exception_needs_a_reason_and_a_known_code(legal):
    policy = policy_with_version(legal)
    draft = selectors.policy_latest_version(policy)
    with pytest.raises(ApplicationError, match="reason is required"):
        exceptions.exception_add(actor=legal, version=draft, scope="kids", code="S1", reason=" ")
    with pytest.raises(ApplicationError, match="'S9' is not a category"):
        exceptions.exception_add(actor=legal, version=draft, scope="kids", code="S9", reason="x")
    assert not draft.exceptions.exists()


def test_renaming_a_code_keeps_its_exceptions_and_moving_reorders(legal):
    policy = policy_with_version(
        legal, exceptions=[{"scope": "clinic", "code": "S6", "reason": "Clinicians"}]
    )
    draft = selectors.policy_latest_version(policy)
    versions.category_change(actor=legal, version=draft, code="S6", changes={"code": "MED"})
    assert draft.exceptions.get().code == "MED"
    versions.category_move(actor=legal, version=draft, code="C1", offset=-1)
    assert [c.code for c in draft.categories.all()] == ["S1", "C1", "MED"]


def test_attestation_is_per_published_version_and_asked_again(legal, pm):
    policy = policy_with_version(legal, publish=True)
    assert policy in [v.policy for v in selectors.policies_awaiting_attestation(pm)]
    attestations.policy_attest(actor=pm, policy=policy)
    attestations.policy_attest(actor=pm, policy=policy)  # idempotent
    state = selectors.attestation_status(policy)
    assert [a.user for a in state.attested] == [pm]
    assert pm not in state.pending and legal in state.pending
    assert policy not in [v.policy for v in selectors.policies_awaiting_attestation(pm)]

    draft = versions.version_draft_start(actor=legal, policy=policy)
    versions.version_update(actor=legal, version=draft, summary="Tighter S6")
    for verb in ("submit", "approve", "publish"):
        transitions.policy_transition(actor=legal, policy=policy, verb=verb)
    assert policy in [v.policy for v in selectors.policies_awaiting_attestation(pm)]
    assert pm in selectors.attestation_status(policy).pending
    asked = Notification.objects.get(user=pm)
    assert "v2 is published" in asked.title


def test_pipeline_users_cannot_attest(pipeline, legal):
    policy = policy_with_version(legal, publish=True)
    with pytest.raises(PermissionDenied):
        attestations.policy_attest(actor=pipeline, policy=policy)


def test_attesting_without_a_published_version_is_a_conflict(legal, pm):
    policy = policy_with_version(legal)
    with pytest.raises(ConflictError, match="no published version"):
        attestations.policy_attest(actor=pm, policy=policy)


def test_overdue_review_notifies_the_owner_once(legal):
    policy = policy_with_version(legal, publish=True)
    Policy.objects.filter(pk=policy.pk).update(
        next_review_on=timezone.localdate() - datetime.timedelta(days=3)
    )
    assert selectors.review_state(Policy.objects.get(pk=policy.pk)) == "overdue"
    assert reviews.policies_review_overdue_notify(actor=SYSTEM) >= 1
    reviews.policies_review_overdue_notify(actor=SYSTEM)
    reminders = Notification.objects.filter(user=legal, title__startswith="Review overdue")
    assert reminders.count() == 1
    assert "3 days ago" in reminders.get().body

    reviews.policy_review_complete(actor=legal, policy=policy)
    policy.refresh_from_db()
    assert selectors.review_state(policy) == "ok"
    assert policy not in selectors.policies_review_overdue()


def test_default_policy_and_published_policies_cannot_be_deleted(legal):
    with pytest.raises(ConflictError, match="default policy"):
        policies.policy_delete(actor=legal, policy=Policy.objects.get(slug="default"))
    policy = policy_with_version(legal, publish=True)
    with pytest.raises(ConflictError, match="retire it"):
        policies.policy_delete(actor=legal, policy=policy)
    draft_only = policy_with_version(legal, name="Scratch")
    policies.policy_delete(actor=legal, policy=draft_only)
    assert not Policy.objects.filter(name="Scratch").exists()


def test_custom_categories_constant_is_valid():
    assert {c["code"] for c in CUSTOM_CATEGORIES} == {"S1", "S6", "C1"}


def test_the_default_policy_keeps_a_published_version(legal):
    default = Policy.objects.get(slug="default")
    with pytest.raises(ConflictError, match="must keep a published version"):
        transitions.policy_transition(actor=legal, policy=default, verb="retire")
    assert selectors.policy_published_version(default) is not None


def test_submitting_asks_the_approvers_and_reject_sends_back_to_draft(legal, make_user):
    approver = make_user(Role.LEGAL, username="approver_legal")
    bystander = make_user(Role.LEGAL, username="bystander_legal")
    policy = policy_with_version(legal, approvers=[approver])
    transitions.policy_transition(actor=legal, policy=policy, verb="submit", note="Please look")
    asked = Notification.objects.get(user=approver)
    assert asked.title == "Support bot v1 awaits approval" and asked.body == "Please look"
    assert not Notification.objects.filter(user=bystander).exists()
    version = transitions.policy_transition(
        actor=approver, policy=policy, verb="reject", note="S6 too vague"
    )
    assert version.status == Status.DRAFT
    assert version.transitions.first().note == "S6 too vague"
    versions.version_update(actor=legal, version=version, summary="S6 clarified")


def test_audit_actions_read_entity_dot_verb(legal):
    from core.models import AuditEvent

    policy = policy_with_version(legal, publish=True)
    policies.policy_update(actor=legal, policy=policy, description="Changed")
    reviews.policy_review_complete(actor=legal, policy=policy)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "policy.create",
        "policy.update",
        "policy.review",
        "policy_version.submit",
        "policy_version.approve",
        "policy_version.publish",
    } <= actions


def test_the_review_task_runs_as_steward_and_needs_an_actor(legal):
    policy = policy_with_version(legal, publish=True)
    Policy.objects.filter(pk=policy.pk).update(
        next_review_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert reviews.policies_review_overdue_notify(actor=SYSTEM) >= 1
    with pytest.raises(TypeError):
        reviews.policies_review_overdue_notify()  # type: ignore[call-arg]
