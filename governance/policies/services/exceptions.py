"""Writes on a draft's context exceptions: a category that does not apply in one scope."""

from __future__ import annotations

from django.db import transaction

from core.public import Actor
from governance.policies.models import PolicyVersion
from governance.policies.services.records import version_snapshot
from governance.policies.services.versions import version_update


@transaction.atomic
def exception_add(
    *, actor: Actor, version: PolicyVersion, scope: str, code: str, reason: str
) -> PolicyVersion:
    exceptions = [
        *version_snapshot(version)["exceptions"],
        {"scope": scope, "code": code, "reason": reason},
    ]
    return version_update(actor=actor, version=version, exceptions=exceptions)


@transaction.atomic
def exception_remove(
    *, actor: Actor, version: PolicyVersion, scope: str, code: str
) -> PolicyVersion:
    exceptions = [
        e
        for e in version_snapshot(version)["exceptions"]
        if (e["scope"], e["code"]) != (scope, code)
    ]
    return version_update(actor=actor, version=version, exceptions=exceptions)
