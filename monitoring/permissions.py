"""Who may do what with model outputs and guard scans (UI and API)."""

from core.public import AccessPolicy, Role

ACCESS = AccessPolicy(
    "monitoring",
    {
        # Outputs, verdicts, the guard's state.
        "view": {Role.PM, Role.LEGAL},
        # Push outputs over the API and read them back.
        "ingest": {Role.PIPELINE},
        # Read outputs and verdicts over the API: pipelines read back what they pushed.
        "read": {Role.PM, Role.LEGAL, Role.PIPELINE},
    },
    # What an API token needs for each write (others need "govern"; reads need "read").
    token_scopes={"ingest": "ingest"},
)
