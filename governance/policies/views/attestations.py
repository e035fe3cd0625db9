"""Attestation pages: read the version in force, confirm it, and the list of policies to confirm."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.public import (
    ApplicationError,
    AuthenticatedRequest,
    Column,
    PermissionDenied,
    error_text,
    is_htmx_partial,
    table_build,
    table_response,
)
from governance.policies import selectors
from governance.policies.filtersets import PublishedVersionFilterSet
from governance.policies.models import Policy
from governance.policies.permissions import ACCESS
from governance.policies.services import (
    attestations,
)


def attestation_context(request: AuthenticatedRequest, policy: Policy) -> dict:
    can_see_all = ACCESS.allows(request.user, "publish")
    return {
        "attestation": selectors.attestation_status(policy) if can_see_all else None,
        "my_attestation": selectors.user_attestation(request.user, policy),
        "published_version": selectors.policy_published_version(policy),
        "can_attest": ACCESS.allows(request.user, "attest"),
        "policy": policy,
    }


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
        context = attestation_context(request, policy) | {"attest_error": error}
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
    context = attestation_context(request, policy) | {
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
