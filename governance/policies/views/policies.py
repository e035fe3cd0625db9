"""Policy pages: the list, one policy's page, its settings and workflow buttons."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from core.public import (
    ApplicationError,
    AuthenticatedRequest,
    Column,
    PermissionDenied,
    audit_history,
    error_text,
    table_build,
    table_response,
)
from governance.policies import selectors, workflow
from governance.policies.filtersets import PolicyFilterSet
from governance.policies.forms import PolicySettingsForm
from governance.policies.models import Policy, PolicyVersion
from governance.policies.permissions import ACCESS
from governance.policies.services import (
    policies,
    reviews,
    versions,
)
from governance.policies.services import workflow as workflow_services
from governance.policies.views.attestations import attestation_context

Status = PolicyVersion.Status
STATUS_TONES: dict[str, str] = {
    Status.DRAFT: "",
    Status.IN_REVIEW: "warn",
    Status.APPROVED: "warn",
    Status.PUBLISHED: "good",
    Status.RETIRED: "",
}


@ACCESS.required("view")
def index(request: AuthenticatedRequest) -> HttpResponse:
    filterset = PolicyFilterSet(request.GET, queryset=selectors.policy_list())
    table = table_build(
        request,
        filterset.qs,
        columns=[
            Column(_("Policy"), sort="name"),
            Column(_("Latest version"), sort="latest_number"),
            Column(_("In force"), sort="published_number"),
            Column(_("Owner"), sort="owner__username"),
            Column(_("Next review"), sort="next_review_on"),
        ],
        row_template="policies/_policy_row.html",
        empty=_("No policies yet."),
        default_sort="name",
    )
    for policy in table.rows:  # the page's rows, fetched once: badges without more queries
        policy.status_tone = STATUS_TONES.get(policy.latest_status, "")
        policy.status_label = Status(policy.latest_status).label if policy.latest_status else ""
    context = {
        "table": table,
        "filterset": filterset,
        "can_edit": ACCESS.allows(request.user, "edit"),
    }
    return table_response(request, "policies/index.html", context)


@require_POST
@ACCESS.required("edit")
def create(request: AuthenticatedRequest) -> HttpResponse:
    try:
        policy = policies.policy_create(
            actor=request.user,
            name=request.POST.get("name", ""),
            description=request.POST.get("description", ""),
            review_cadence_days=int(request.POST.get("review_cadence_days") or 180),
        )
    except PermissionDenied:
        raise
    except (ApplicationError, ValidationError, ValueError) as exc:
        messages.error(request, error_text(exc))
        return redirect("policies:index")
    messages.success(request, _("Created %(name)s with a first draft.") % {"name": policy.name})
    return redirect("policies:version", policy.pk, 1)


def _detail_context(request: AuthenticatedRequest, policy: Policy) -> dict:
    all_versions = list(policy.versions.select_related("created_by").order_by("-number"))
    latest = all_versions[0] if all_versions else None
    in_force = next((v for v in all_versions if v.status == Status.PUBLISHED), None)
    approvers = list(policy.approvers.all())
    # The buttons are the workflow table's verbs this user may use now: the same rule the
    # service applies, so the page never offers a step the service refuses.
    verbs = []
    for step in workflow.transitions_available(
        latest=latest, in_force=in_force, actor=request.user, approvers=approvers
    ):
        subject = workflow.subject_version(step, latest=latest, in_force=in_force)
        if subject is not None:  # always, for an available verb
            verbs.append({"verb": step.verb, "label": step.label, "number": subject.number})
    return {
        "policy": policy,
        "versions": all_versions,
        "latest": latest,
        "published": in_force,
        "approvers": approvers,
        "verbs": verbs,
        "tones": STATUS_TONES,
        "review": selectors.review_state(policy),
        "transitions": selectors.policy_transitions(policy)[:30],
        "events": audit_history(policy)[:20],
        "can_edit": ACCESS.allows(request.user, "edit"),
        "settings_form": PolicySettingsForm(instance=policy, initial={"approvers": approvers}),
        **attestation_context(request, policy),
    }


@vary_on_headers("HX-Request")
@ACCESS.required("view")
def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(Policy.objects.select_related("owner"), pk=pk)
    return render(request, "policies/detail.html", _detail_context(request, policy))


@require_POST
@ACCESS.required("view")
def transition(request: AuthenticatedRequest, pk: int, verb: str) -> HttpResponse:
    if workflow.transition_get(verb) is None:
        raise Http404(f"No workflow verb {verb!r}.")
    policy = get_object_or_404(Policy, pk=pk)
    try:
        version = workflow_services.policy_transition(
            actor=request.user, policy=policy, verb=verb, note=request.POST.get("note", "")
        )
    except PermissionDenied:
        raise
    except (ApplicationError, ValidationError) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request,
            _("Version %(number)s is now %(status)s.")
            % {"number": version.number, "status": version.get_status_display().lower()},
        )
    return redirect("policies:detail", policy.pk)


@require_POST
@ACCESS.required("edit")
def settings_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(Policy, pk=pk)
    # The form validates against its own copy, so the service still sees the values before.
    form = PolicySettingsForm(request.POST, instance=Policy.objects.get(pk=policy.pk))
    if form.is_valid():
        values = dict(form.cleaned_data)
        approvers = values.pop("approvers")
        try:
            policies.policy_update(actor=request.user, policy=policy, approvers=approvers, **values)
        except PermissionDenied:
            raise
        except (ApplicationError, ValidationError) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Saved."))
    else:
        problems = error_text(ValidationError(form.errors.as_data()))
        messages.error(request, _("Not saved: %(problems)s") % {"problems": problems})
    return redirect("policies:detail", policy.pk)


@require_POST
@ACCESS.required("edit")
def draft_start(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(Policy, pk=pk)
    try:
        draft = versions.version_draft_start(actor=request.user, policy=policy)
    except PermissionDenied:
        raise
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
        return redirect("policies:detail", policy.pk)
    return redirect("policies:version", policy.pk, draft.number)


@require_POST
@ACCESS.required("edit")
def review_complete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(Policy, pk=pk)
    reviews.policy_review_complete(
        actor=request.user, policy=policy, note=request.POST.get("note", "")
    )
    messages.success(
        request,
        _("Reviewed; next review on %(date)s.") % {"date": f"{policy.next_review_on:%Y-%m-%d}"},
    )
    return redirect("policies:detail", policy.pk)
