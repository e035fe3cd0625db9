"""License catalog pages: the filtered list and a license's facts with Legal's override."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.public import (
    ApplicationError,
    AuthenticatedRequest,
    Column,
    PermissionDenied,
    audit_history,
    form_apply_error,
    table_build,
    table_response,
)
from governance import selectors
from governance.filtersets import LicenseFilterSet
from governance.forms import (
    LicenseOverrideForm,
)
from governance.licenses import services as license_services
from governance.models import License
from governance.permissions import ACCESS


@ACCESS.required("view")
def license_list(request: AuthenticatedRequest) -> HttpResponse:
    data = request.GET.copy()
    # The page opens on the curated licenses; the API (same FilterSet) lists all by default.
    data.setdefault("scope", LicenseFilterSet.SCOPE_CURATED)
    filterset = LicenseFilterSet(data, queryset=selectors.license_list())
    table = table_build(
        request,
        filterset.qs,
        columns=[
            Column(_("SPDX id"), sort="spdx_id"),
            Column(_("Name"), sort="name"),
            Column(_("Use"), sort="use_class"),
            Column(_("Attribution")),
            Column(_("Share-alike")),
            Column(_("No derivatives")),
            Column(_("Review"), sort="needs_legal_review"),
        ],
        row_template="governance/_license_row.html",
        empty=_("No license matches."),
    )
    return table_response(
        request, "governance/license_list.html", {"table": table, "filterset": filterset}
    )


@ACCESS.required("view")
@require_http_methods(["GET", "POST"])
def license_detail(request: AuthenticatedRequest, spdx_id: str) -> HttpResponse:
    license_obj = selectors.license_get(spdx_id)
    if license_obj is None:
        raise Http404("No such license in the catalog.")
    can_override = ACCESS.allows(request.user, "review")
    form = LicenseOverrideForm(instance=license_obj, prefix="override")
    if request.method == "POST":
        if not can_override:
            raise PermissionDenied("Only Legal may override license facts.")
        before = License.objects.get(pk=license_obj.pk)
        form = LicenseOverrideForm(request.POST, instance=before, prefix="override")
        if form.is_valid():
            facts = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                license_services.license_override(
                    actor=request.user,
                    license=License.objects.get(pk=license_obj.pk),
                    reason=form.cleaned_data["reason"],
                    **facts,
                )
            except (ApplicationError, ValidationError) as exc:
                form_apply_error(form, exc)
            else:
                messages.success(request, f"The facts of {license_obj.spdx_id} were overridden.")
                return redirect(license_obj.get_absolute_url())
    return render(
        request,
        "governance/license_detail.html",
        {
            "license": license_obj,
            "form": form,
            "can_override": can_override,
            "datasets": selectors.licenses_used_by(license_obj)[:50],
            "events": audit_history(license_obj)[:50],
        },
    )
