"""Policy pages: thin views over policy services and selectors (htmx fragments where useful)."""

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
    is_htmx_partial,
    render_page,
    table_build,
    table_response,
)
from governance.policies import selectors, workflow
from governance.policies.filtersets import PolicyFilterSet, PublishedVersionFilterSet
from governance.policies.forms import PolicySettingsForm
from governance.policies.guard_prompt import ROLES
from governance.policies.models import Policy, PolicyCategory, PolicyVersion
from governance.policies.permissions import ACCESS
from governance.policies.services import (
    attestations,
    exceptions,
    policies,
    reviews,
    versions,
)
from governance.policies.services import workflow as workflow_services

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
        **_attestation_context(request, policy),
    }


def _attestation_context(request: AuthenticatedRequest, policy: Policy) -> dict:
    can_see_all = ACCESS.allows(request.user, "publish")
    return {
        "attestation": selectors.attestation_status(policy) if can_see_all else None,
        "my_attestation": selectors.user_attestation(request.user, policy),
        "published_version": selectors.policy_published_version(policy),
        "can_attest": ACCESS.allows(request.user, "attest"),
        "policy": policy,
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


# --- one version: editor, exceptions, preview ----------------------------------------------


def _version_context(request: AuthenticatedRequest, version: PolicyVersion, **extra) -> dict:
    policy = version.policy
    categories = list(version.categories.all())
    exceptions = list(version.exceptions.all())
    editable = version.status == Status.DRAFT and ACCESS.allows(request.user, "edit")
    scopes = sorted({e.scope for e in exceptions})
    others = list(policy.versions.exclude(pk=version.pk).order_by("-number"))
    return {
        "policy": policy,
        "version": version,
        "categories": categories,
        "exceptions": exceptions,
        "editable": editable,
        "actions": PolicyCategory.Action.choices,
        "scopes": scopes,
        "roles": ROLES,
        "tone": STATUS_TONES.get(version.status, ""),
        "other_versions": others,
        "problems": selectors.version_publish_problems(version)
        if version.status in (Status.DRAFT, Status.IN_REVIEW, Status.APPROVED)
        else [],
        **extra,
    }


def _version(pk: int, number: int) -> PolicyVersion:
    return get_object_or_404(
        PolicyVersion.objects.select_related("policy"), policy_id=pk, number=number
    )


@vary_on_headers("HX-Request")
@ACCESS.required("view")
def version(request: AuthenticatedRequest, pk: int, number: int) -> HttpResponse:
    context = _version_context(request, _version(pk, number))
    return render_page(request, "policies/version.html", context, partial="editor")


def _editor_change(request: AuthenticatedRequest, pk: int, number: int, change) -> HttpResponse:
    """Apply one editor change, then answer with the refreshed editor (or the page)."""
    version = _version(pk, number)
    error = ""
    try:
        change(version)
    except PermissionDenied:
        raise
    except (ApplicationError, ValidationError) as exc:
        error = error_text(exc)
    version.refresh_from_db()
    if is_htmx_partial(request):
        context = _version_context(request, version, error=error)
        return render(request, "policies/version.html#editor", context)
    if error:
        messages.error(request, error)
    return redirect("policies:version", pk, number)


def _category_fields(request: AuthenticatedRequest) -> dict:
    return {
        "code": request.POST.get("code", "").strip(),
        "name": request.POST.get("name", ""),
        "description": request.POST.get("description", ""),
        "action": request.POST.get("action", PolicyCategory.Action.REVIEW),
        "enabled": request.POST.get("enabled") == "on",
    }


@require_POST
@ACCESS.required("edit")
def category_add(request: AuthenticatedRequest, pk: int, number: int) -> HttpResponse:
    fields = _category_fields(request)
    return _editor_change(
        request,
        pk,
        number,
        lambda v: versions.category_add(actor=request.user, version=v, category=fields),
    )


@require_POST
@ACCESS.required("edit")
def category_edit(request: AuthenticatedRequest, pk: int, number: int, code: str) -> HttpResponse:
    fields = _category_fields(request)
    return _editor_change(
        request,
        pk,
        number,
        lambda v: versions.category_change(
            actor=request.user, version=v, code=code, changes=fields
        ),
    )


@require_POST
@ACCESS.required("edit")
def category_move(
    request: AuthenticatedRequest, pk: int, number: int, code: str, direction: str
) -> HttpResponse:
    offset = -1 if direction == "up" else 1
    return _editor_change(
        request,
        pk,
        number,
        lambda v: versions.category_move(actor=request.user, version=v, code=code, offset=offset),
    )


@require_POST
@ACCESS.required("edit")
def category_remove(request: AuthenticatedRequest, pk: int, number: int, code: str) -> HttpResponse:
    return _editor_change(
        request,
        pk,
        number,
        lambda v: versions.category_remove(actor=request.user, version=v, code=code),
    )


@require_POST
@ACCESS.required("edit")
def exception_add(request: AuthenticatedRequest, pk: int, number: int) -> HttpResponse:
    return _editor_change(
        request,
        pk,
        number,
        lambda v: exceptions.exception_add(
            actor=request.user,
            version=v,
            scope=request.POST.get("scope", ""),
            code=request.POST.get("code", ""),
            reason=request.POST.get("reason", ""),
        ),
    )


@require_POST
@ACCESS.required("edit")
def exception_remove(request: AuthenticatedRequest, pk: int, number: int) -> HttpResponse:
    return _editor_change(
        request,
        pk,
        number,
        lambda v: exceptions.exception_remove(
            actor=request.user,
            version=v,
            scope=request.POST.get("scope", ""),
            code=request.POST.get("code", ""),
        ),
    )


@require_POST
@ACCESS.required("edit")
def summary_edit(request: AuthenticatedRequest, pk: int, number: int) -> HttpResponse:
    return _editor_change(
        request,
        pk,
        number,
        lambda v: versions.version_update(
            actor=request.user, version=v, summary=request.POST.get("summary", "")
        ),
    )


@require_POST
@ACCESS.required("view")
def preview(request: AuthenticatedRequest, pk: int, number: int) -> HttpResponse:
    """The exact prompt the guard would read for the conversation typed in the preview pane."""
    version = _version(pk, number)
    conversation = [{"role": "user", "content": request.POST.get("user_message", "")}]
    reply = request.POST.get("assistant_message", "")
    role = request.POST.get("role", "Agent")
    if reply.strip():
        conversation.append({"role": "assistant", "content": reply})
    elif role == "Agent":
        role = "User"  # nothing to judge on the agent side: judge the user turn
    context: dict = {"version": version, "role": role}
    try:
        result = selectors.guard_prompt_preview(
            policy=version.policy,
            conversation=conversation,
            scope=request.POST.get("scope") or None,
            role=role,
            with_descriptions=request.POST.get("with_descriptions") == "on",
            version_number=version.number,
        )
    except PermissionDenied:
        raise
    except ApplicationError as exc:
        context["preview_error"] = error_text(exc)
    else:
        context["prompt"] = result.prompt
        context["codes"] = result.codes
    return render(request, "policies/version.html#preview-result", context)


@vary_on_headers("HX-Request")
@ACCESS.required("view")
def diff(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(Policy, pk=pk)
    all_versions = list(policy.versions.order_by("-number"))
    context: dict = {"policy": policy, "versions": all_versions}
    try:
        to_number = int(request.GET.get("to") or (all_versions[0].number if all_versions else 0))
        from_number = int(request.GET.get("from") or max(to_number - 1, 1))
    except ValueError:
        to_number = from_number = 0
    if len(all_versions) >= 1 and from_number and to_number:
        try:
            old = selectors.policy_version_get(policy, from_number)
            new = selectors.policy_version_get(policy, to_number)
        except PermissionDenied:
            raise
        except ApplicationError as exc:
            context["error"] = error_text(exc)
        else:
            context.update(old=old, new=new, diff=selectors.version_diff(old, new))
    context.update(from_number=from_number, to_number=to_number)
    return render_page(request, "policies/diff.html", context, partial="result")


# --- attestation ---------------------------------------------------------------------------


@require_POST
@ACCESS.required("attest")
def attest(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(Policy, pk=pk)
    error = ""
    try:
        attestations.policy_attest(actor=request.user, policy=policy)
    except PermissionDenied:
        raise
    except ApplicationError as exc:
        error = error_text(exc)
    if is_htmx_partial(request):
        context = _attestation_context(request, policy) | {"attest_error": error}
        return render(request, "policies/attestation.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Thank you: you confirmed %(name)s.") % {"name": policy.name})
    return redirect("policies:published", policy.pk)


@ACCESS.required("attest")
def published(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The version in force, to read and confirm (open to everyone asked to attest)."""
    policy = get_object_or_404(Policy, pk=pk)
    version = selectors.policy_published_version(policy)
    context = _attestation_context(request, policy) | {
        "version": version,
        "categories": list(version.categories.filter(enabled=True)) if version else [],
        "exceptions": list(version.exceptions.all()) if version else [],
        "can_view": ACCESS.allows(request.user, "view"),
    }
    return render(request, "policies/published.html", context)


@ACCESS.required("attest")
def attest_list(request: AuthenticatedRequest) -> HttpResponse:
    """The versions in force, and whether the viewer has confirmed reading each."""
    filterset = PublishedVersionFilterSet(
        request.GET,
        queryset=selectors.published_versions_attested_by(request.user),
        request=request,
    )
    table = table_build(
        request,
        filterset.qs,
        columns=[
            Column(_("Policy"), sort="policy__name"),
            Column(_("Version"), sort="number"),
            Column(_("Published"), sort="published_at"),
            Column(_("Your attestation"), sort="attested"),
        ],
        row_template="policies/_attestation_row.html",
        empty=_("Nothing is in force yet."),
        default_sort="policy__name",
    )
    return table_response(
        request, "policies/attest_list.html", {"table": table, "filterset": filterset}
    )
