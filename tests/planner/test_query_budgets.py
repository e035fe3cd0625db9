"""Query budgets: every planner list page, the dashboards and every API list run as many
queries for 50 rows as for 2."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from core.public import SYSTEM
from planner.models import (
    ChecklistItem,
    ChecklistTemplate,
    ChecklistTemplateItem,
    ChecklistTemplateSection,
    PricePreset,
    Project,
    RoadmapTemplate,
    RoadmapTemplateTask,
)
from planner.seed import DEBUGGING_ORDER
from planner.services.checklists import checklist_item_resolve, checklist_run_start
from planner.services.costs import cost_estimate_create
from planner.services.roadmaps import roadmap_instantiate
from tests.planner.factories import ProjectFactory
from tests.query_budget import assert_flat_queries

pytestmark = pytest.mark.django_db

START = date(2026, 11, 30)
_serial = itertools.count()


def full_project(owner) -> Project:
    """A project with everything its rows show: a roadmap, a debugging run, an estimate."""
    project = ProjectFactory(owner=owner)
    roadmap_instantiate(
        project=project,
        template=RoadmapTemplate.objects.get(slug="two-week-kickoff"),
        start_date=START,
        actor=SYSTEM,
    )
    run = checklist_run_start(
        project=project, template=ChecklistTemplate.objects.get(slug=DEBUGGING_ORDER), actor=SYSTEM
    )
    checklist_item_resolve(
        item=run.items.order_by("step", "order").first(), actor=owner, status="fail"
    )
    cost_estimate_create(
        actor=SYSTEM,
        kind="training",
        project=project,
        tokens=1_000_000,
        tokens_per_second_per_gpu=Decimal(1000),
        gpus=1,
        price_per_gpu_hour=Decimal(2),
    )
    return project


def grower(make: Callable[[], object]) -> Callable[[int], None]:
    def grow(n: int) -> None:
        for _ in range(n):
            make()

    return grow


def ok(client, url: str) -> Callable[[], None]:
    def fetch() -> None:
        response = client.get(url)
        assert response.status_code == 200, response.content[:500]

    return fetch


def roadmap_template() -> None:
    n = next(_serial)
    template = RoadmapTemplate.objects.create(slug=f"plan-{n}", name=f"Plan {n}")
    first = RoadmapTemplateTask.objects.create(template=template, key="a", title="A", day=1)
    second = RoadmapTemplateTask.objects.create(template=template, key="b", title="B", day=2)
    second.depends_on.set([first])


def checklist_template() -> None:
    n = next(_serial)
    template = ChecklistTemplate.objects.create(slug=f"list-{n}", name=f"List {n}")
    section = ChecklistTemplateSection.objects.create(template=template, title="Data")
    ChecklistTemplateItem.objects.create(section=section, text="Look at the data")


def price_preset() -> None:
    n = next(_serial)
    PricePreset.objects.create(
        slug=f"gpu-{n}", name=f"GPU {n}", price_low=Decimal(1), price_high=Decimal(2)
    )


# --- pages --------------------------------------------------------------------------------


def test_planner_dashboard(client_as, pm):
    assert_flat_queries(ok(client_as(pm), "/planner/"), grower(lambda: full_project(pm)))


def test_planner_dashboard_filtered(client_as, pm):
    fetch = ok(client_as(pm), "/planner/?search=project&status=planning&sort=-name")
    assert_flat_queries(fetch, grower(lambda: full_project(pm)))


def test_home_dashboard_cards(client_as, pm):
    assert_flat_queries(ok(client_as(pm), "/"), grower(lambda: full_project(pm)))


def test_templates_page(client_as, pm):
    def grow_all() -> None:
        roadmap_template()
        checklist_template()
        price_preset()

    assert_flat_queries(ok(client_as(pm), "/planner/templates/"), grower(grow_all))


def test_project_page_lists(client_as, pm):
    project = full_project(pm)

    def more() -> None:
        run = checklist_run_start(
            project=project,
            template=ChecklistTemplate.objects.get(slug=DEBUGGING_ORDER),
            actor=SYSTEM,
        )
        checklist_item_resolve(
            item=run.items.order_by("step", "order").first(), actor=pm, status="pass"
        )
        cost_estimate_create(
            actor=SYSTEM,
            kind="inference",
            project=project,
            pricing="api",
            requests_per_day=1000,
            tokens_per_request=500,
            price_per_million_tokens=Decimal(1),
        )

    assert_flat_queries(ok(client_as(pm), f"/planner/projects/{project.pk}/"), grower(more))


def test_checklist_page(client_as, pm):
    project = ProjectFactory(owner=pm)
    run = checklist_run_start(
        project=project, template=ChecklistTemplate.objects.get(slug=DEBUGGING_ORDER), actor=SYSTEM
    )

    def item() -> None:
        ChecklistItem.objects.create(
            run=run, section="Extra", step=99, text="One more check", resolved_by=pm, status="pass"
        )

    assert_flat_queries(ok(client_as(pm), f"/planner/checklists/{run.pk}/"), grower(item))


# --- API lists ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/projects/",
        "/api/v1/roadmap-tasks/",
        "/api/v1/checklist-runs/",
        "/api/v1/checklist-items/",
        "/api/v1/cost-estimates/",
    ],
)
def test_project_api_lists(api, pm, url):
    assert_flat_queries(ok(api(pm), url), grower(lambda: full_project(pm)))


@pytest.mark.parametrize(
    ("url", "make"),
    [
        ("/api/v1/roadmap-templates/", roadmap_template),
        ("/api/v1/checklist-templates/", checklist_template),
        ("/api/v1/price-presets/", price_preset),
    ],
)
def test_reference_api_lists(api, pm, url, make):
    assert_flat_queries(ok(api(pm), url), grower(make))


def test_planner_dashboard_with_gates_linked_to_one_policy(client_as, pm):
    """Every project waits on the same published policy: it is asked about once."""
    from governance.policies.public import default_policy_id

    policy_id = default_policy_id()

    def linked() -> None:
        project = full_project(pm)
        Project.objects.filter(pk=project.pk).update(policy_id=policy_id)

    assert_flat_queries(ok(client_as(pm), "/planner/"), grower(linked))
    assert_flat_queries(ok(client_as(pm), "/api/v1/roadmap-tasks/"), grower(linked))


def test_planner_dashboard_with_a_different_mix_and_policy_per_project(client_as, pm):
    """Every project links a mix and a policy of its own: read together, not one by one."""
    from tests.planner.governance import mix_row, policy_row

    def linked() -> None:
        project = full_project(pm)
        n = next(_serial)
        Project.objects.filter(pk=project.pk).update(
            training_mix_id=mix_row(f"Mix {n}"), policy_id=policy_row(f"Policy {n}")
        )

    assert_flat_queries(ok(client_as(pm), "/planner/"), grower(linked))
