"""The dashboard home, notifications, health probes and friendly error pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.api.errors import json_error
from core.audit_format import audit_changes_text
from core.csv_export import csv_response
from core.dashboard import dashboard_cards
from core.errors import ApplicationError
from core.filtersets import ApiTokenFilterSet, AuditEventFilterSet
from core.forms import ApiTokenForm, form_apply_error
from core.health import database_check, readiness_checks
from core.htmx import render_page
from core.http import AuthenticatedRequest
from core.models import ApiToken
from core.permissions import ACCESS as AUDIT_ACCESS
from core.roles import Role, user_has_role
from core.selectors import audit_event_list, notification_list
from core.services import api_token_create, api_token_revoke, notifications_mark_read
from core.tables import Column, table_build, table_response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    cards = dashboard_cards(request.user)
    sections: dict[str, list] = {}
    for card in cards:
        sections.setdefault(card.section or "Overview", []).append(card)
    return render(request, "core/home.html", {"sections": sections})


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: AuthenticatedRequest) -> HttpResponse:
    if request.method == "POST":
        ids = [int(value) for value in request.POST.getlist("id") if value.isdigit()] or None
        notifications_mark_read(user=request.user, ids=ids)
        if not request.htmx:
            return redirect("notifications")
    page = Paginator(notification_list(request.user), 25).get_page(request.GET.get("page"))
    return render_page(request, "core/notifications.html", {"page": page}, partial="list")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    ok, detail = database_check()
    body = {"status": "ok" if ok else "unavailable", "database": detail}
    return JsonResponse(body, status=200 if ok else 503)


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    results = {name: check() for name, check in readiness_checks().items()}
    ready = all(ok for ok, _ in results.values())
    body = {"status": "ok" if ready else "unavailable"}
    body.update({name: detail for name, (_, detail) in results.items()})
    return JsonResponse(body, status=200 if ready else 503)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    detail = getattr(exception, "detail", "")
    if _is_api(request):
        return json_error(
            "bad_request", detail or str(_("The request could not be understood.")), 400
        )
    return render(request, "400.html", {"detail": detail}, status=400)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    reason = str(exception) if exception else ""
    if _is_api(request):
        return json_error("permission_denied", reason or "You may not do this.", 403)
    return render(request, "403.html", {"reason": reason}, status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if _is_api(request):
        return json_error("not_found", f"No API endpoint or object at {request.path}.", 404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return json_error(
            "server_error", "Something went wrong on our side; it has been logged.", 500
        )
    # No request context: the database or a context processor may be what failed.
    return HttpResponse(loader.get_template("500.html").render(), status=500)


AUDIT_COLUMNS = [
    Column(_lazy("When"), sort="created_at"),
    Column(_lazy("Who"), sort="actor__username"),
    Column(_lazy("Action"), sort="action"),
    Column(_lazy("Record"), sort="target_repr"),
    Column(_lazy("Changes")),
]


@AUDIT_ACCESS.required("audit")
@require_GET
def audit_log(request: AuthenticatedRequest) -> HttpResponse:
    """Every recorded change, filterable, newest first: who changed what, when."""
    filterset = AuditEventFilterSet(request.GET, queryset=audit_event_list())
    table = table_build(
        request,
        filterset.qs,
        columns=AUDIT_COLUMNS,
        row_template="core/_audit_row.html",
        empty=_lazy("Nothing has been recorded yet."),
        default_sort="-created_at",
    )
    return table_response(request, "core/audit_log.html", {"table": table, "filterset": filterset})


@AUDIT_ACCESS.required("audit")
@require_GET
def audit_log_csv(request: AuthenticatedRequest) -> HttpResponse:
    events = audit_event_list(request.GET)
    rows = (
        [
            event.created_at,
            event.actor.username if event.actor else "Steward",
            event.action,
            event.target_type.model,
            event.target_id,
            event.target_repr,
            "; ".join(
                f"{field}: {before} → {after}"
                for field, (before, after) in audit_changes_text(event.changes).items()
            ),
            event.note,
        ]
        for event in events.iterator(chunk_size=2000)
    )
    header = ["at", "actor", "action", "object_type", "object_id", "object", "changes", "note"]
    return csv_response("steward-audit.csv", header, rows)


TOKEN_USER = Column(_lazy("User"), sort="user__username")
TOKEN_COLUMNS = [
    Column(_lazy("Name"), sort="name"),
    TOKEN_USER,
    Column(_lazy("Scopes")),
    Column(_lazy("Created"), sort="created_at"),
    Column(_lazy("Expires"), sort="expires_at"),
    Column(_lazy("Last used"), sort="last_used_at"),
    Column(_lazy("State")),
    Column(""),
]


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: AuthenticatedRequest) -> HttpResponse:
    """Your API tokens (every user's, for an Admin): issue one, see it once, revoke."""
    form = ApiTokenForm(request.POST or None)
    new_secret = ""
    if request.method == "POST" and form.is_valid():
        expiry = form.cleaned_data["expires_in_days"]
        try:
            token, new_secret = api_token_create(
                user=request.user,
                actor=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_in_days=None if expiry == 0 else expiry,
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(
                request, _("Token '%(name)s' was issued. Copy it now.") % {"name": token.name}
            )
            form = ApiTokenForm()
    is_admin = user_has_role(request.user, Role.ADMIN)
    tokens = ApiToken.objects.select_related("user")
    if not is_admin:
        tokens = tokens.filter(user=request.user)
    filterset = ApiTokenFilterSet(request.GET, queryset=tokens)
    table = table_build(
        request,
        filterset.qs,
        columns=TOKEN_COLUMNS
        if is_admin
        else [c for c in TOKEN_COLUMNS if c.sort != "user__username"],
        row_template="core/_token_row.html",
        empty=_lazy("No API tokens yet. Pipelines use one to push outputs."),
        default_sort="-created_at",
        show_user=is_admin,
    )
    context = {
        "table": table,
        "filterset": filterset if is_admin else None,
        "form": form,
        "new_secret": new_secret,
    }
    return table_response(request, "core/api_tokens.html", context)


@login_required
@require_POST
def api_token_revoke_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    tokens = ApiToken.objects.all()
    if not user_has_role(request.user, Role.ADMIN):
        tokens = tokens.filter(user=request.user)
    token = get_object_or_404(tokens, pk=pk)
    api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("Token '%(name)s' was revoked.") % {"name": token.name})
    return redirect("api_tokens")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset-by-email, with links to where Steward is served (SITE_URL), whatever
    host name the request came in on."""

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        site = urlsplit(settings.SITE_URL)
        form.save(
            domain_override=site.netloc,
            use_https=site.scheme == "https",
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=self.request,
            html_email_template_name=self.html_email_template_name,
            extra_email_context={"site_name": "Steward"},
        )
        return HttpResponseRedirect(self.get_success_url())
