"""Request-wide guards: NUL bytes refused up front; caches keep pages and htmx fragments apart."""

from urllib.parse import unquote_to_bytes

from django.core.exceptions import SuspiciousOperation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _


class RejectNulBytesMiddleware:
    """PostgreSQL cannot store or compare a NUL character, so a `%00` anywhere in the path or
    query string would otherwise reach a query and fail there. Refuse it once, for every view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = request.META.get("PATH_INFO", "").encode("utf-8", "surrogateescape")
        query = request.META.get("QUERY_STRING", "").encode("latin-1", "replace")
        if b"\x00" in raw or b"\x00" in unquote_to_bytes(query.replace(b"+", b" ")):
            from core.views import bad_request

            error = SuspiciousOperation("NUL byte in the request address")
            error.detail = _(  # type: ignore[attr-defined]
                "The address contains a NUL character (%00), which Steward does not accept."
            )
            return bad_request(request, error)
        return self.get_response(request)


class VaryOnHtmxMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_vary_headers(response, ("HX-Request",))
        return response
