"""Template context for the layout: navigation and the unread-notification count."""

from core.navigation import navigation_for
from core.roles import user_roles
from core.selectors import notifications_unread_count


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": [], "unread_notifications": 0, "user_roles": []}
    return {
        "nav": navigation_for(user, request.path),
        "unread_notifications": notifications_unread_count(user),
        "user_roles": sorted(role.value for role in user_roles(user)),
    }
