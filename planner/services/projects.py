"""Writes for projects: create and update, with the owner and governance-link rules."""

from __future__ import annotations

from datetime import date
from typing import Any, TypedDict, Unpack

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.public import (
    Actor,
    ApplicationError,
    InvalidInput,
    Role,
    actor_user,
    audit_record,
    field_changes,
    user_has_role,
)
from governance.policies.public import policy_exists
from governance.public import training_mix_exists
from planner.models import PROJECT_NAME_UNIQUE, Project
from planner.permissions import ACCESS


class ProjectValues(TypedDict, total=False):
    """The fields a person sets on a project: the one list the form, the API and the services
    share. The governance links are ids; the planner never loads another app's rows."""

    name: str
    owner: User
    start_date: date
    status: str
    use_case: str
    data_sensitivity: str
    deployment: str
    model_approach: str
    model_size: str
    approach_rationale: str
    training_mix: int | None
    policy: int | None


PROJECT_FIELDS: tuple[str, ...] = tuple(ProjectValues.__annotations__)
# Links to other apps' records, stored in the foreign key's id column.
LINK_FIELDS = {"training_mix": "training_mix_id", "policy": "policy_id"}


def _project_values(project: Project) -> dict[str, Any]:
    return {name: getattr(project, LINK_FIELDS.get(name, name)) for name in PROJECT_FIELDS}


def _project_assign(project: Project, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name not in PROJECT_FIELDS:
            raise ApplicationError(_("%(field)s cannot be changed here.") % {"field": name})
        setattr(project, LINK_FIELDS.get(name, name), value)


def _project_check(project: Project) -> None:
    errors: dict[str, list[str]] = {}
    if project.training_mix_id is not None and not training_mix_exists(project.training_mix_id):
        errors["training_mix"] = [_("This training mix does not exist.")]
    if project.policy_id is not None and not policy_exists(project.policy_id):
        errors["policy"] = [_("This policy does not exist.")]
    if project.owner_id and not user_has_role(project.owner, Role.PM):
        errors["owner"] = [_("The owner of a project must be a PM.")]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)


def _project_name_taken() -> InvalidInput:
    message = _("A project with this name already exists.")
    return InvalidInput(message, fields={"name": [message]})


def _project_save(project: Project) -> None:
    # The database holds the case-insensitive uniqueness rule; a savepoint keeps the outer
    # transaction usable when it refuses.
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError as exc:
        if PROJECT_NAME_UNIQUE in str(exc):
            raise _project_name_taken() from None
        raise


@transaction.atomic
def project_create(*, actor: Actor, **values: Unpack[ProjectValues]) -> Project:
    """A new project; the acting PM owns it unless `owner` names another PM."""
    ACCESS.require(actor, "edit")
    fields: dict[str, Any] = dict(values)
    fields.setdefault("owner", actor_user(actor))
    project = Project()
    _project_assign(project, fields)
    project.full_clean(validate_constraints=False)
    _project_check(project)
    _project_save(project)
    audit_record(actor=actor, target=project, action="project.create")
    return project


@transaction.atomic
def project_update(*, project: Project, actor: Actor, **values: Unpack[ProjectValues]) -> Project:
    ACCESS.require(actor, "edit")
    before = _project_values(project)
    _project_assign(project, dict(values))
    project.full_clean(validate_constraints=False)
    _project_check(project)
    _project_save(project)
    changes = field_changes(before, _project_values(project))
    if changes:
        audit_record(actor=actor, target=project, action="project.update", changes=changes)
    return project
