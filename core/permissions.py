"""Who may use core's own pages: the audit log is for Legal (and Admin)."""

from core.access import AccessPolicy
from core.roles import Role

ACCESS = AccessPolicy("core", {"audit": {Role.LEGAL}})
