"""Prepare the provider's database: migrate, one account per directory entry (password
"pw" + username), and a confidential client for Steward. Run as
`python -m tests.oidc_provider.bootstrap CLIENT_ID CLIENT_SECRET REDIRECT_URI`."""

from __future__ import annotations

import json
import os
import sys


def main(client_id: str, client_secret: str, redirect_uri: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    with open(settings.PROVIDER_DIRECTORY, encoding="utf-8") as handle:
        for username in json.load(handle):
            User.objects.create_user(username, password=f"pw{username}")
    Application.objects.create(
        name="Steward",
        client_id=client_id,
        client_secret=client_secret,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=redirect_uri,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=False,
    )


if __name__ == "__main__":
    main(*sys.argv[1:4])
