"""Who may do what with red-line policies: the one place these rules live (UI and API)."""

from core.public import AccessPolicy, Role

ACCESS = AccessPolicy(
    "policies",
    {
        # Browse policies, versions, diffs and the prompt preview.
        "view": {Role.PM, Role.LEGAL},
        # Draft and edit versions, submit them for review.
        "edit": {Role.LEGAL},
        # Move a version to approved, published or retired.
        "publish": {Role.LEGAL},
        # Read the published taxonomy (pipelines and workers fetch it).
        "read_published": {Role.PM, Role.LEGAL, Role.ANNOTATOR, Role.PIPELINE},
        # Confirm having read a published policy.
        "attest": {Role.PM, Role.LEGAL, Role.ANNOTATOR},
    },
)
