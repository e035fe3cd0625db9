"""URLs of single sign-on and two-factor sign-in (included at the site root)."""

from django.urls import path

from core import auth_views

urlpatterns = [
    path("oidc/authenticate/", auth_views.OIDCStartView.as_view(), name="oidc_authentication_init"),
    path(
        "oidc/callback/", auth_views.OIDCCallbackView.as_view(), name="oidc_authentication_callback"
    ),
    path("account/two-factor/", auth_views.two_factor, name="two_factor"),
    path("account/two-factor/verify/", auth_views.two_factor_verify, name="two_factor_verify"),
    path(
        "account/two-factor/backup-codes/",
        auth_views.two_factor_backup_codes,
        name="two_factor_backup_codes",
    ),
    path("account/two-factor/remove/", auth_views.two_factor_remove, name="two_factor_remove"),
]
