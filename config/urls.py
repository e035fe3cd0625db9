"""Top-level URLs: the UI apps, the REST API and its docs, health probes and admin."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core import auth_views as sign_in_views
from core import views as core_views

api_docs = SpectacularSwaggerView.as_view(url_name="api-schema")
if not settings.API_DOCS_PUBLIC:
    api_docs = login_required(api_docs)

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", sign_in_views.LoginView.as_view(), name="login"),
    path("", include("core.auth_urls")),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", core_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("notifications/", core_views.notifications, name="notifications"),
    path("tokens/", core_views.api_tokens, name="api_tokens"),
    path("tokens/<int:pk>/revoke/", core_views.api_token_revoke_view, name="api_token_revoke"),
    path("audit/", core_views.audit_log, name="audit_log"),
    path("audit/export.csv", core_views.audit_log_csv, name="audit_log_csv"),
    path("healthz", core_views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page says; answer with the real icon.
    path(
        "favicon.ico",
        RedirectView.as_view(url=static("img/steward.svg"), permanent=True),
        name="favicon",
    ),
    path("readyz", core_views.readyz, name="readyz"),
    path("governance/policies/", include("governance.policies.urls")),
    path("governance/", include("governance.urls")),
    path("planner/", include("planner.urls")),
    path("monitoring/review/", include("monitoring.review.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs, name="api-docs"),
    path("admin/", admin.site.urls),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
