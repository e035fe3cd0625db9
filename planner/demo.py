"""Demo data for the planner: a project on the two-week kickoff plan and a debugging run."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from core.public import SYSTEM
from governance.policies.public import demo_policy_id
from governance.public import demo_training_mix_id
from planner import reference_data
from planner.models import (
    ChecklistItem,
    ChecklistTemplate,
    PricePreset,
    Project,
    RoadmapTask,
    RoadmapTemplate,
)
from planner.seed import DEBUGGING_ORDER
from planner.services import checklists, costs, projects, roadmaps

DEMO_PROJECT = "Support-ticket triage assistant"


def load_demo(stdout: Any) -> None:
    reference_data.ensure()
    if Project.objects.filter(name=DEMO_PROJECT).exists():
        return
    owner = (
        User.objects.filter(username="pm").first() or User.objects.filter(is_superuser=True).first()
    )
    if owner is None:
        stdout.write("planner: no pm user, demo project skipped")
        return
    today = timezone.localdate()
    start = today - timedelta(days=4)
    project = projects.project_create(
        actor=SYSTEM,
        owner=owner,
        name=DEMO_PROJECT,
        start_date=start,
        status=Project.Status.ACTIVE,
        use_case="Route incoming support tickets and draft first answers.",
        data_sensitivity=Project.Sensitivity.SENSITIVE,
        deployment="support-desk",
        model_approach=Project.Approach.OPEN_SOURCE,
        model_size="7B",
        approach_rationale=(
            "Tickets contain customer personal data: an open-source model keeps it in-house; "
            "7B is enough for classification and short drafts."
        ),
        # Governance's demo mix (still waiting on Legal) and its published demo policy.
        training_mix=demo_training_mix_id(),
        policy=demo_policy_id(),
    )
    roadmap = roadmaps.roadmap_instantiate(
        project=project,
        template=RoadmapTemplate.objects.get(slug="two-week-kickoff"),
        start_date=start,
        actor=SYSTEM,
    )
    for task in roadmap.tasks.filter(key__in=["explore", "baseline"]):
        roadmaps.roadmap_task_update(task=task, actor=SYSTEM, status=RoadmapTask.Status.DONE)
    roadmaps.roadmap_task_update(
        task=roadmap.tasks.get(key="eval-pipeline"), actor=SYSTEM, status=RoadmapTask.Status.DOING
    )
    run = checklists.checklist_run_start(
        project=project, template=ChecklistTemplate.objects.get(slug=DEBUGGING_ORDER), actor=SYSTEM
    )
    first = run.items.order_by("step", "order").first()
    assert first is not None  # the debugging template has items
    checklists.checklist_item_resolve(
        item=first,
        actor=SYSTEM,
        status=ChecklistItem.Status.FAIL,
        finding="14 of 100 sampled tickets carry the wrong queue label.",
    )
    costs.cost_estimate_create(
        actor=SYSTEM,
        kind="training",
        project=project,
        label="LoRA fine-tune, 2B tokens",
        preset=PricePreset.objects.filter(slug="spot").first(),
        tokens=2_000_000_000,
        tokens_per_second_per_gpu=Decimal(3000),
        gpus=8,
    )
    stdout.write(f"planner: demo project “{project.name}” with a roadmap and a debugging run")
