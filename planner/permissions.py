"""Who may do what in the planner: the one place these rules live (UI and API)."""

from core.public import AccessPolicy, Role

ACCESS = AccessPolicy(
    "planner",
    {
        # Projects, roadmaps, checklists and estimates; Legal sees which gates wait on it.
        "view": {Role.PM, Role.LEGAL},
        "edit": {Role.PM},
    },
)
