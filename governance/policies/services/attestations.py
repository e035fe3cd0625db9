"""Writes on attestations: a person confirms having read the version in force."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from core.public import ConflictError
from governance.policies.models import Policy, PolicyAttestation, PolicyVersion
from governance.policies.permissions import ACCESS


@transaction.atomic
def policy_attest(*, actor: User, policy: Policy) -> PolicyAttestation:
    """Record that `actor` has read the published version (idempotent). Only a person attests,
    so the actor is a `User`, never the system."""
    ACCESS.require(actor, "attest")
    version = policy.versions.filter(status=PolicyVersion.Status.PUBLISHED).first()
    if version is None:
        raise ConflictError(f"{policy.name} has no published version to confirm.")
    try:
        with transaction.atomic():
            attestation, _ = PolicyAttestation.objects.get_or_create(version=version, user=actor)
    except IntegrityError:  # a concurrent click won the race
        attestation = PolicyAttestation.objects.get(version=version, user=actor)
    return attestation
