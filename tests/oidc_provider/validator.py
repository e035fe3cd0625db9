"""Claims from the people directory: email, name, preferred_username and the `groups` claim."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


def directory_entry(username: str) -> dict[str, Any]:
    with open(settings.PROVIDER_DIRECTORY, encoding="utf-8") as handle:
        return json.load(handle).get(username, {})


class DirectoryValidator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "groups": "groups"}

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        entry = directory_entry(request.user.username)
        return {
            "email": entry.get("email", ""),
            "email_verified": True,
            "name": entry.get("name", ""),
            "preferred_username": request.user.username,
            "groups": entry.get("groups", []),
        }
