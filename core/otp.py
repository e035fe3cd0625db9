"""Two-factor sign-in with TOTP codes (django-otp): enrolment, backup codes, and the middleware
that asks for a code after a password sign-in and makes OTP_REQUIRED_ROLES enrol first."""

from __future__ import annotations

from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.roles import Role, user_has_role
from core.sso import SESSION_KEY as SSO_SESSION_KEY

BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"

# Pages an unverified session may still open (by view name): signing in and out, the code
# page itself, health probes and the SSO round trip.
ALWAYS_OPEN = frozenset(
    {
        "login",
        "logout",
        "two_factor_verify",
        "healthz",
        "readyz",
        "favicon",
        "oidc_authentication_init",
        "oidc_authentication_callback",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
    }
)


def otp_required(user: Any) -> bool:
    """True when an install requires two-factor sign-in of one of the user's roles."""
    required = [Role(name) for name in settings.OTP_REQUIRED_ROLES]
    return bool(required) and user_has_role(user, *required)


def otp_enrolled(user: Any) -> bool:
    return user_has_device(user, confirmed=True)


def otp_qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code (no script, no style: safe under any CSP)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def totp_device_pending(*, user: Any) -> TOTPDevice:
    """The user's unconfirmed authenticator (a fresh secret), kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def otp_backup_codes_replace(*, user: Any) -> list[str]:
    """New single-use backup codes (the old ones stop working); shown to the user once."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def totp_device_confirm(*, user: Any, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm an authenticator with a code from it; None when the code is wrong. Returns the
    first backup codes. Earlier authenticators are replaced."""
    from core.services import audit_record

    if device.user_id != user.pk or device.confirmed or not device.verify_token(code):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=user, target=user, action="user.two_factor_enrol")
    return otp_backup_codes_replace(user=user)


@transaction.atomic
def otp_devices_remove(*, user: Any, actor: Any) -> None:
    from core.services import audit_record

    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, target=user, action="user.two_factor_remove")


def _session_verified(request: HttpRequest) -> bool:
    if request.user.is_verified():  # type: ignore[union-attr]
        return True
    return bool(request.session.get(SSO_SESSION_KEY)) and not settings.OTP_AFTER_SSO


def _bearer_api(request: HttpRequest) -> bool:
    # A bearer token alone authenticates the API (DRF tries it first); sessions do not count.
    header = request.META.get("HTTP_AUTHORIZATION", "")
    return request.path.startswith("/api/") and header.lower().startswith("bearer ")


class TwoFactorMiddleware:
    """Sends a signed-in but unverified session to the code page (enrolled users) or to
    enrolment (OTP_REQUIRED_ROLES); API calls get a 403 instead, bearer tokens pass."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, *args: Any) -> Any:
        user = request.user
        if not user.is_authenticated or _bearer_api(request) or _session_verified(request):
            return None
        match = request.resolver_match
        view_name = match.view_name if match else ""
        if view_name in ALWAYS_OPEN:
            return None
        if otp_enrolled(user):
            target = "two_factor_verify"
            detail = _("Enter the code from your authenticator app first.")
        elif otp_required(user):
            if view_name == "two_factor":
                return None
            target = "two_factor"
            detail = _("Your role requires two-factor sign-in; set it up first.")
        else:
            return None
        if request.path.startswith("/api/"):
            from core.api.errors import json_error

            return json_error("two_factor_required", detail, 403)
        url = f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)
