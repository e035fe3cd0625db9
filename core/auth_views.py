"""Sign-in pages beyond the password form: single sign-on (start, callback, refusal) and
two-factor codes (enrolment, the code page after a password sign-in, backup codes)."""

from __future__ import annotations

import logging
from typing import Any

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from core.actors import SYSTEM
from core.http import AuthenticatedRequest
from core.otp import (
    otp_backup_codes_replace,
    otp_devices_remove,
    otp_enrolled,
    otp_qr_svg,
    otp_required,
    totp_device_confirm,
    totp_device_pending,
)
from core.roles import Role
from core.sso import (
    REFUSAL_ATTR,
    SESSION_KEY,
    oidc_setting,
    password_login_allowed,
    sso_enabled,
)

logger = logging.getLogger(__name__)


def _provider_problem(request: HttpRequest, status: int = 502) -> HttpResponse:
    return render(
        request,
        "registration/sso_problem.html",
        {"provider_name": settings.OIDC_PROVIDER_NAME},
        status=status,
    )


class LoginView(auth_views.LoginView):
    """The password form and, when configured, "Sign in with <provider>"; with OIDC_ONLY the
    form is gone and password posts are refused."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        sso_url = ""
        if sso_enabled():
            sso_url = reverse("oidc_authentication_init")
            if context.get("next"):
                sso_url += "?" + urlencode({"next": context["next"]})
        context.update(
            sso_url=sso_url,
            sso_provider_name=settings.OIDC_PROVIDER_NAME,
            password_login=password_login_allowed(),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not password_login_allowed():
            context = self.get_context_data(form=self.get_form_class()(request))
            context["password_refused"] = True
            return self.render_to_response(context, status=403)
        return super().post(request, *args, **kwargs)


class OIDCStartView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider (state, nonce and PKCE kept in the session)."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, **kwargs: Any) -> None:
        # The endpoints are read per request (in `get`), once SSO is known to be on.
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso_enabled():
            raise Http404("Single sign-on is not configured")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except (requests.RequestException, ImproperlyConfigured, ValueError) as exc:
            logger.warning("Single sign-on provider unavailable: %s", type(exc).__name__)
            return _provider_problem(request)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class OIDCCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back: sign in, or explain why not."""

    get_settings = staticmethod(oidc_setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso_enabled():
            raise Http404("Single sign-on is not configured")
        try:
            return super().get(request)
        except requests.RequestException as exc:
            # Not the exception text: a token endpoint's error body is no business of the logs.
            status = getattr(getattr(exc, "response", None), "status_code", "")
            logger.warning(
                "Single sign-on token exchange failed: %s %s", type(exc).__name__, status
            )
            return _provider_problem(request)

    def login_success(self) -> HttpResponse:
        response = super().login_success()
        self.request.session[SESSION_KEY] = True
        return response

    def login_failure(self) -> HttpResponse:
        refusal = getattr(self.request, REFUSAL_ATTR, None)
        if refusal is None:
            return _provider_problem(self.request, status=403)
        admins = User.objects.filter(is_active=True, groups__name=Role.ADMIN.value).order_by(
            "username"
        )[:5]
        return render(
            self.request,
            "registration/sso_refused.html",
            {
                "provider_name": settings.OIDC_PROVIDER_NAME,
                "email": refusal["email"],
                "mapped_groups": sorted(settings.OIDC_ROLE_MAP),
                "role_names": [role.value for role in Role],
                "contact": settings.OIDC_ACCESS_CONTACT,
                "admins": [admin.get_full_name() or admin.username for admin in admins],
            },
            status=403,
        )


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: AuthenticatedRequest) -> HttpResponse:
    """The code page after a password sign-in: a code from the app, or one backup code."""
    from core.services import audit_record

    if not otp_enrolled(request.user):
        return redirect("two_factor")
    error = ""
    if request.method == "POST":
        code = "".join(request.POST.get("code", "").split())
        device = match_token(request.user, code) if code else None
        if device is not None:
            otp_login(request, device)
            return HttpResponseRedirect(_next_url(request))
        audit_record(actor=SYSTEM, target=request.user, action="user.two_factor_fail")
        error = _(
            "That code is not right, was already used, or came too soon after a wrong one. "
            "Wait a moment and enter the current code."
        )
    return render(
        request,
        "registration/two_factor_verify.html",
        {"error": error, "next": _next_url(request)},
        status=400 if error else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: AuthenticatedRequest) -> HttpResponse:
    """Two-factor status; enrol an authenticator app (QR code, or the otpauth address)."""
    user = request.user
    enrolled = otp_enrolled(user)
    context: dict[str, Any] = {
        "enrolled": enrolled,
        "required": otp_required(user),
        "next": _next_url(request),
    }
    if not enrolled:
        device = totp_device_pending(user=user)
        if request.method == "POST":
            code = "".join(request.POST.get("code", "").split())
            backup_codes = totp_device_confirm(user=user, device=device, code=code)
            if backup_codes is not None:
                device.refresh_from_db()
                otp_login(request, device)
                return render(
                    request,
                    "registration/two_factor_backup_codes.html",
                    {"codes": backup_codes, "next": _next_url(request)},
                )
            context["error"] = _("That code is not right. Enter the current code from the app.")
        context.update(otpauth_uri=device.config_url, qr_svg=otp_qr_svg(device.config_url))
    return render(
        request,
        "registration/two_factor.html",
        context,
        status=400 if context.get("error") else 200,
    )


@never_cache
@login_required
@require_POST
def two_factor_backup_codes(request: AuthenticatedRequest) -> HttpResponse:
    if not otp_enrolled(request.user):
        return redirect("two_factor")
    codes = otp_backup_codes_replace(user=request.user)
    return render(
        request, "registration/two_factor_backup_codes.html", {"codes": codes, "next": ""}
    )


@login_required
@require_POST
def two_factor_remove(request: AuthenticatedRequest) -> HttpResponse:
    otp_devices_remove(user=request.user, actor=request.user)
    messages.success(request, _("Two-factor sign-in is off for your account."))
    return redirect("two_factor")
