"""Who may do what with datasets, licenses and training mixes (UI and API)."""

from core.public import AccessPolicy, Role

ACCESS = AccessPolicy(
    "governance",
    {
        # Browse the license catalog, the dataset inventory and training mixes.
        "view": {Role.PM, Role.LEGAL},
        # Register, import and edit datasets and mixes; submit them for legal review.
        "edit": {Role.PM, Role.LEGAL},
        # Approve or reject datasets; override license facts.
        "review": {Role.LEGAL},
    },
)
