"""Who may do what in the review queue and its dashboards (UI and API)."""

from core.public import AccessPolicy, Role

ACCESS = AccessPolicy(
    "review",
    {
        # Claim and label items in the queue.
        "review": {Role.ANNOTATOR, Role.LEGAL},
        # Settle disagreements; the adjudicator's label is final.
        "adjudicate": {Role.LEGAL},
        # Agreement, guard-quality and backlog dashboards; alert history.
        "view": {Role.PM, Role.LEGAL},
        # Sampling rules and alert rules; acknowledge and resolve alerts.
        "configure": {Role.PM, Role.LEGAL},
        # Report an output (user feedback from product pipelines and staff).
        "feedback": {Role.PIPELINE, Role.PM, Role.LEGAL},
    },
    # What an API token needs for each write (others need "govern"; reads need "read").
    token_scopes={"review": "review", "adjudicate": "review", "feedback": "ingest"},
)
