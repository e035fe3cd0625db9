"""Version pages: the draft editor (htmx), the guard-prompt preview and the diff of two versions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from core.public import (
    ApplicationError,
    AuthenticatedRequest,
    PermissionDenied,
    error_text,
    is_htmx_partial,
    render_page,
)
from governance.policies import selectors
from governance.policies.guard_prompt import ROLES
from governance.policies.models import Policy, PolicyCategory, PolicyVersion
from governance.policies.permissions import ACCESS
from governance.policies.services import (
    exceptions,
    versions,
)
from governance.policies.views.policies import STATUS_TONES

Status = PolicyVersion.Status


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
