"""Writes for checklist runs: start one from a template and resolve its items."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.public import Actor, ConflictError, actor_user, audit_record, field_changes
from planner.models import ChecklistItem, ChecklistRun, ChecklistTemplate, Project
from planner.permissions import ACCESS


@transaction.atomic
def checklist_run_start(
    *, project: Project, template: ChecklistTemplate, actor: Actor, title: str = ""
) -> ChecklistRun:
    ACCESS.require(actor, "edit")
    run = ChecklistRun.objects.create(
        project=project,
        template=template,
        template_slug=template.slug,
        title=title or template.name,
        ordered=template.ordered,
        created_by=actor_user(actor),
    )
    items = [
        ChecklistItem(
            run=run,
            section=section.title,
            step=step,
            order=order,
            text=item.text,
            help=item.help,
        )
        for step, section in enumerate(template.sections.prefetch_related("items"))
        for order, item in enumerate(section.items.all())
    ]
    ChecklistItem.objects.bulk_create(items)
    audit_record(actor=actor, target=project, action="checklist.start", note=run.title)
    return run


@transaction.atomic
def checklist_item_resolve(
    *,
    item: ChecklistItem,
    actor: Actor,
    status: str,
    reason: str = "",
    finding: str = "",
    evidence_url: str = "",
) -> ChecklistItem:
    """Set an item to pass / fail / not applicable (with a reason), or reopen it."""
    ACCESS.require(actor, "edit")
    item = ChecklistItem.objects.select_for_update().select_related("run").get(pk=item.pk)
    if status not in ChecklistItem.Status.values:
        raise ValidationError({"status": f"Unknown status “{status}”."})
    if status == ChecklistItem.Status.NOT_APPLICABLE and not reason.strip():
        raise ValidationError({"reason": "Say why this item does not apply."})
    if item.run.ordered and status != ChecklistItem.Status.OPEN:
        earlier_open = item.run.items.filter(step__lt=item.step, status=ChecklistItem.Status.OPEN)
        first = earlier_open.order_by("step", "order").first()
        if first is not None:
            raise ConflictError(
                f"Resolve “{first.section}” first: “{first.text}” is still open. "
                "This checklist goes in order because most failures are in the earlier steps.",
                code="out_of_order",
                extra={"blocking_item": first.pk},
            )
    before = {"status": item.status, "reason": item.reason, "finding": item.finding}
    item.status = status
    item.reason = reason if status == ChecklistItem.Status.NOT_APPLICABLE else ""
    item.finding = finding
    item.evidence_url = evidence_url
    if status == ChecklistItem.Status.OPEN:
        item.resolved_by, item.resolved_at = None, None
    else:
        item.resolved_by, item.resolved_at = actor_user(actor), timezone.now()
    item.full_clean(exclude=["run"])
    item.save()
    audit_record(
        actor=actor,
        target=item,
        action="checklist_item.resolve",
        changes=field_changes(
            before, {"status": item.status, "reason": item.reason, "finding": item.finding}
        ),
    )
    return item
