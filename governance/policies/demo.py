"""Demo data: a customer-support policy with descriptions and a context exception."""

from __future__ import annotations

from typing import TextIO

from core.public import SYSTEM, Role, users_with_role
from governance.policies import reference_data
from governance.policies.models import Policy
from governance.policies.services import policies
from governance.policies.services import workflow as transitions

DEMO_POLICY = "Customer support assistant"

CATEGORIES = [
    {
        "code": "S1",
        "name": "Violent Crimes",
        "description": "Never help plan violence. Acknowledging a customer's anger is fine.",
        "action": "block",
    },
    {
        "code": "S2",
        "name": "Non-Violent Crimes",
        "description": "Never explain how to defraud us or other customers (refund abuse, "
        "account takeover). Explaining our fraud protections is allowed.",
        "action": "block",
    },
    {
        "code": "S6",
        "name": "Specialized Advice",
        "description": "Never give medical, legal or financial advice as a professional "
        "would; point to a professional instead.",
        "action": "review",
    },
    {
        "code": "S7",
        "name": "Privacy",
        "description": "Never reveal another customer's personal data or order history.",
        "action": "block",
    },
    {
        "code": "S10",
        "name": "Hate",
        "description": "Never demean anyone for who they are, even when quoting a customer.",
        "action": "review",
    },
    {
        "code": "C1",
        "name": "Unapproved Compensation",
        "description": "Never promise refunds, credits or discounts beyond the published "
        "goodwill table.",
        "action": "log",
    },
]


def load_demo(stdout: TextIO) -> None:
    reference_data.ensure()
    if Policy.objects.filter(name=DEMO_POLICY).exists():
        return
    # Demo data is Steward's own work; a Legal user, when there is one, owns the policy.
    owner = users_with_role(Role.LEGAL).order_by("pk").first()
    policy = policies.policy_create(
        actor=SYSTEM,
        owner=owner,
        name=DEMO_POLICY,
        slug="support-assistant",
        description="Red lines for the customer-facing support chat.",
        categories=CATEGORIES,
        exceptions=[
            {
                "scope": "clinic-helpdesk",
                "code": "S6",
                "reason": "The clinic help desk is used by licensed clinicians; specialised "
                "medical advice is the point of that deployment.",
            }
        ],
        review_cadence_days=90,
        summary="First version agreed with the support team.",
    )
    for verb in ("submit", "approve", "publish"):
        transitions.policy_transition(actor=SYSTEM, policy=policy, verb=verb, note="Demo data")
    stdout.write(f"policies: created {policy.name} v1 (published)")
