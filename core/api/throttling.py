"""Rate limits per scope: anonymous callers, people, and pipelines (by token user)."""

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from core.roles import Role, user_roles


def _is_pipeline(user) -> bool:
    return Role.PIPELINE in user_roles(user)


class AnonScopeThrottle(AnonRateThrottle):
    scope = "anon"


class UserScopeThrottle(UserRateThrottle):
    scope = "user"

    def allow_request(self, request, view):
        if request.user.is_authenticated and _is_pipeline(request.user):
            return True
        return super().allow_request(request, view)


class PipelineScopeThrottle(UserRateThrottle):
    scope = "pipeline"

    def allow_request(self, request, view):
        if not (request.user.is_authenticated and _is_pipeline(request.user)):
            return True
        return super().allow_request(request, view)
