"""What the apps may use of core. Apps import core only through this module (import-linter
keeps it so); everything else in core is its own business."""

from core.access import AccessPolicy
from core.actors import SYSTEM, Actor, SystemActor, actor_user, is_system
from core.api.errors import error_body
from core.csv_export import csv_cell, csv_response, csv_text
from core.dashboard import Card
from core.errors import (
    ApplicationError,
    ConflictError,
    InvalidInput,
    NotFoundError,
    PermissionDenied,
    error_messages,
    error_text,
)
from core.forms import form_apply_error
from core.htmx import is_htmx_partial, render_page
from core.http import AuthenticatedRequest
from core.models import AuditEvent
from core.navigation import NavEntry
from core.roles import Role, parse_role, user_has_role, user_roles
from core.selectors import audit_history, users_with_role
from core.services import audit_record, field_changes, notify
from core.tables import Column, Table, table_build, table_response

__all__ = [
    "SYSTEM",
    "AccessPolicy",
    "Actor",
    "ApplicationError",
    "AuditEvent",
    "AuthenticatedRequest",
    "Card",
    "Column",
    "ConflictError",
    "InvalidInput",
    "NavEntry",
    "NotFoundError",
    "PermissionDenied",
    "Role",
    "SystemActor",
    "Table",
    "actor_user",
    "audit_history",
    "audit_record",
    "csv_cell",
    "csv_response",
    "csv_text",
    "error_body",
    "error_messages",
    "error_text",
    "field_changes",
    "form_apply_error",
    "is_htmx_partial",
    "is_system",
    "notify",
    "parse_role",
    "render_page",
    "table_build",
    "table_response",
    "user_has_role",
    "user_roles",
    "users_with_role",
]
