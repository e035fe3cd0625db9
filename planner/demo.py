"""Demo data for the planner: a project on the two-week kickoff plan and a debugging run."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from planner import services
from planner.models import (
    ChecklistItem,
    ChecklistTemplate,
    PricePreset,
    Project,
    RoadmapTask,
    RoadmapTemplate,
)
from planner.seed import DEBUGGING_ORDER

DEMO_PROJECT = "Support-ticket triage assistant"


def load_demo(stdout) -> None:
    services.builtins_ensure()
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
    project = services.project_create(
        user=owner,
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
    )
    _link_governance(project, owner)
    roadmap = services.roadmap_instantiate(
        project=project,
        template=RoadmapTemplate.objects.get(slug="two-week-kickoff"),
        start_date=start,
        user=owner,
    )
    for task in roadmap.tasks.filter(key__in=["explore", "baseline"]):
        services.roadmap_task_update(task=task, user=owner, status=RoadmapTask.Status.DONE)
    services.roadmap_task_update(
        task=roadmap.tasks.get(key="eval-pipeline"), user=owner, status=RoadmapTask.Status.DOING
    )
    run = services.checklist_run_start(
        project=project, template=ChecklistTemplate.objects.get(slug=DEBUGGING_ORDER), user=owner
    )
    first = run.items.order_by("step", "order").first()
    services.checklist_item_resolve(
        item=first,
        user=owner,
        status=ChecklistItem.Status.FAIL,
        finding="14 of 100 sampled tickets carry the wrong queue label.",
    )
    services.cost_estimate_create(
        user=owner,
        kind="training",
        project=project,
        label="LoRA fine-tune, 2B tokens",
        preset=PricePreset.objects.filter(slug="spot").first(),
        tokens=2_000_000_000,
        tokens_per_second_per_gpu=3000,
        gpus=8,
    )
    stdout.write(f"planner: demo project “{project.name}” with a roadmap and a debugging run")


def _link_governance(project: Project, owner: User) -> None:
    """Link governance's demo mix (still waiting on Legal) and its published demo policy."""
    from governance.demo import DEMO_MIX
    from governance.policies.demo import DEMO_POLICY
    from governance.policies.selectors import policy_list
    from governance.selectors import training_mix_list

    services.project_update(
        project=project,
        user=owner,
        training_mix=training_mix_list().filter(name=DEMO_MIX).first(),
        policy=policy_list().filter(name=DEMO_POLICY).first(),
    )
