"""What an API token may be used for: its scopes, and the scope each request needs."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class TokenScope(StrEnum):
    READ = "read"  # GET anything the user's role may read
    INGEST = "ingest"  # push outputs and user reports (pipelines)
    REVIEW = "review"  # claim and label review items
    GOVERN = "govern"  # every other write: datasets, policies, projects, rules


SCOPE_LABELS = {
    TokenScope.READ: _("read: fetch what the user may see"),
    TokenScope.INGEST: _("ingest: push model outputs and user reports"),
    TokenScope.REVIEW: _("review: claim and label review items"),
    TokenScope.GOVERN: _("govern: change datasets, policies, projects and settings"),
}

ALL_SCOPES = tuple(scope.value for scope in TokenScope)
MAX_EXPIRY_DAYS = 3650


def all_scopes() -> list[str]:
    """The model default: a token without stated scopes may do what its user may."""
    return list(ALL_SCOPES)


def required_scope(*, safe_method: bool, action_scope: str | None) -> str:
    """The scope a request needs: reads need `read`; a write needs the scope its access rule
    names (`AccessPolicy(token_scopes=...)`), else `govern`."""
    if safe_method:
        return TokenScope.READ.value
    return action_scope or TokenScope.GOVERN.value
