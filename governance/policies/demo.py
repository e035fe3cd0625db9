"""Demo data: a customer-support policy with descriptions and a context exception."""

from __future__ import annotations

from django.contrib.auth.models import User

from governance.policies import services
from governance.policies.models import Policy

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


def load_demo(stdout) -> None:
    services.policy_default_ensure()
    if Policy.objects.filter(name=DEMO_POLICY).exists():
        return
    legal = User.objects.filter(groups__name="Legal", is_active=True).order_by("pk").first()
    actor = legal or User.objects.filter(is_superuser=True).order_by("pk").first()
    if actor is None:
        stdout.write("policies: no Legal user, skipping the demo policy")
        return
    policy = services.policy_create(
        actor=actor,
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
        services.policy_transition(actor=actor, policy=policy, verb=verb, note="Demo data")
    stdout.write(f"policies: created {policy.name} v1 (published)")
