"""The planner REST API: projects, roadmaps with gates, tasks, checklists, cost estimates."""

from datetime import date

import pytest

from planner.models import ChecklistItem, RoadmapTask
from tests.planner.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def instantiate(client, project, start="2026-11-30", **extra):
    return client.post(
        f"/api/v1/projects/{project.pk}/roadmap/",
        {"template": "two-week-kickoff", "start_date": start, **extra},
    )


def test_pm_creates_a_project_and_sees_advice_for_sensitive_data(api, pm):
    client = api(pm)
    response = client.post(
        "/api/v1/projects/",
        {
            "name": "Clinic notes summariser",
            "start_date": "2026-11-30",
            "data_sensitivity": "sensitive",
            "model_approach": "api",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["owner"] == pm.username
    assert "open-source" in body["advice"]
    assert client.get("/api/v1/projects/").json()["count"] == 1


def test_templates_list_the_seeded_two_week_plan(api, pm):
    body = api(pm).get("/api/v1/roadmap-templates/").json()
    seeded = next(t for t in body["results"] if t["slug"] == "two-week-kickoff")
    assert seeded["id"] and seeded["builtin"]
    fine_tune = next(t for t in seeded["tasks"] if t["key"] == "first-fine-tune")
    assert "eval-pipeline" in fine_tune["depends_on"]
    assert fine_tune["gate"] == "fine_tune"


def test_instantiate_schedules_tasks_on_business_days(api, pm):
    project = ProjectFactory(owner=pm)
    response = instantiate(api(pm), project, start="2026-11-27")  # a Friday
    assert response.status_code == 201, response.json()
    body = response.json()
    tasks = {t["title"]: t for t in body["tasks"]}
    explore = tasks["Data exploration and task clarification"]
    assert (explore["day"], explore["starts_on"], explore["due_on"]) == (
        1,
        "2026-11-27",
        "2026-11-30",
    )
    assert tasks["Build the evaluation pipeline"]["starts_on"] == "2026-12-03"
    weekend = tasks["Start collecting and cleaning data"]
    assert (weekend["starts_on"], weekend["due_on"]) == ("2026-12-05", "2026-12-06")
    assert tasks["Scale-up plan"]["due_on"] == "2026-12-10"
    assert body["end_date"] == "2026-12-10"
    assert {t["status"] for t in body["tasks"]} == {"todo"}
    assert body["calendar_url"].endswith(".ics")
    # A second roadmap for the same project is refused.
    assert instantiate(api(pm), project).status_code == 409


def test_instantiate_by_id_with_holidays_across_the_year_end(api, pm):
    project = ProjectFactory(owner=pm)
    template_id = next(
        t["id"]
        for t in api(pm).get("/api/v1/roadmap-templates/").json()["results"]
        if t["slug"] == "two-week-kickoff"
    )
    response = api(pm).post(
        f"/api/v1/projects/{project.pk}/roadmap/",
        {"template": str(template_id), "start_date": "2026-12-30", "holiday_country": "us"},
    )
    assert response.status_code == 201, response.json()
    tasks = {t["key"]: t for t in response.json()["tasks"]}
    # Day 3 would be New Year's Day: it is a US holiday, so the baseline starts on 4 January.
    assert tasks["baseline"]["starts_on"] == "2027-01-04"
    assert response.json()["holiday_country"] == "US"


def test_unknown_template_and_country_are_explained(api, pm):
    project = ProjectFactory(owner=pm)
    response = api(pm).post(
        f"/api/v1/projects/{project.pk}/roadmap/",
        {"template": "nope", "start_date": "2026-11-30"},
    )
    assert response.status_code == 404
    assert "nope" in response.json()["detail"]
    response = instantiate(api(pm), project, holiday_country="XX")
    assert response.status_code == 400
    assert "XX" in response.json()["detail"]


def test_gate_refuses_the_first_fine_tune_with_the_reasons(api, pm):
    project = ProjectFactory(owner=pm)
    tasks = {t["key"]: t for t in instantiate(api(pm), project).json()["tasks"]}
    fine_tune = tasks["first-fine-tune"]
    assert "No published red-line policy is linked to this project." in fine_tune["blockers"]
    response = api(pm).patch(f"/api/v1/roadmap-tasks/{fine_tune['id']}/", {"status": "doing"})
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "gate_closed"
    assert "No published red-line policy is linked to this project." in body["blockers"]
    assert "cannot start yet" in body["detail"]
    assert RoadmapTask.objects.get(pk=fine_tune["id"]).status == "todo"
    # Ungated tasks move freely.
    response = api(pm).patch(f"/api/v1/roadmap-tasks/{tasks['explore']['id']}/", {"status": "done"})
    assert response.status_code == 200
    assert response.json()["task"]["status"] == "done"


def test_a_late_task_shifts_its_dependents_and_the_end_date(api, pm):
    project = ProjectFactory(owner=pm)
    tasks = {t["key"]: t for t in instantiate(api(pm), project).json()["tasks"]}
    eval_pipeline = tasks["eval-pipeline"]
    assert eval_pipeline["due_on"] == "2026-12-04"
    response = api(pm).post(
        f"/api/v1/roadmap-tasks/{eval_pipeline['id']}/slip/", {"business_days": 2}
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["task"]["due_on"] == "2026-12-08"
    shifted = {t["key"]: t for t in body["shifted"]}
    assert shifted["first-fine-tune"]["starts_on"] == "2026-12-09"
    assert shifted["first-fine-tune"]["due_on"] == "2026-12-10"
    assert set(shifted) == {"first-fine-tune", "error-analysis", "improve", "scale-up-plan"}
    assert body["end_date"] == "2026-12-15"
    roadmap = api(pm).get(f"/api/v1/projects/{project.pk}/roadmap/").json()
    assert (roadmap["planned_end_date"], roadmap["end_date"]) == ("2026-12-11", "2026-12-15")

    # Moving a task keeps its length and also pushes what depends on it.
    baseline = tasks["baseline"]
    response = api(pm).patch(
        f"/api/v1/roadmap-tasks/{baseline['id']}/", {"starts_on": "2026-12-09"}
    )
    body = response.json()
    assert (body["task"]["starts_on"], body["task"]["due_on"]) == ("2026-12-09", "2026-12-10")
    assert body["end_date"] == "2026-12-17"


def test_legal_reads_but_cannot_change(api, legal, pm):
    project = ProjectFactory(owner=pm)
    tasks = instantiate(api(pm), project).json()["tasks"]
    assert api(legal).get(f"/api/v1/projects/{project.pk}/roadmap/").status_code == 200
    response = api(legal).patch(f"/api/v1/roadmap-tasks/{tasks[0]['id']}/", {"status": "done"})
    assert response.status_code == 403
    assert api(legal).post("/api/v1/projects/", {"name": "x"}).status_code == 403


@pytest.mark.parametrize("role", ["annotator", "pipeline"])
def test_other_roles_see_nothing(api, request, role):
    client = api(request.getfixturevalue(role))
    assert client.get("/api/v1/projects/").status_code == 403
    assert client.get("/api/v1/cost-estimates/").status_code == 403


def test_builtin_templates_are_read_only_but_copyable(api, pm):
    client = api(pm)
    seeded = next(
        t
        for t in client.get("/api/v1/roadmap-templates/").json()["results"]
        if t["slug"] == "two-week-kickoff"
    )
    response = client.patch(f"/api/v1/roadmap-templates/{seeded['id']}/", {"name": "Mine"})
    assert response.status_code == 409
    copy = client.post(f"/api/v1/roadmap-templates/{seeded['id']}/copy/", {"name": "Our kickoff"})
    assert copy.status_code == 201
    copy = copy.json()
    assert copy["slug"] == "two-week-kickoff-copy" and not copy["builtin"]
    assert len(copy["tasks"]) == len(seeded["tasks"])
    tasks = [
        *copy["tasks"],
        {"key": "retro", "title": "Retrospective", "day": 10, "depends_on": ["scale-up-plan"]},
    ]
    response = client.patch(
        f"/api/v1/roadmap-templates/{copy['id']}/", {"tasks": tasks}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["tasks"][-1]["key"] == "retro"
    # A loop is refused.
    tasks[0]["depends_on"] = ["retro"]
    response = client.patch(
        f"/api/v1/roadmap-templates/{copy['id']}/", {"tasks": tasks}, format="json"
    )
    assert response.status_code == 400
    assert "loop" in response.json()["detail"]


def test_pm_writes_a_template_from_scratch(api, pm):
    response = api(pm).post(
        "/api/v1/roadmap-templates/",
        {
            "slug": "eval-first",
            "name": "Evaluation first",
            "tasks": [
                {"key": "eval", "title": "Evaluation set", "day": 1, "duration": 3},
                {"key": "tune", "title": "Tune", "day": 4, "depends_on": ["eval"]},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    project = ProjectFactory(owner=pm)
    response = api(pm).post(
        f"/api/v1/projects/{project.pk}/roadmap/",
        {"template": "eval-first", "start_date": "2026-12-02"},
    )
    tasks = {t["key"]: t for t in response.json()["tasks"]}
    assert tasks["eval"]["due_on"] == "2026-12-04"
    assert tasks["tune"]["starts_on"] == "2026-12-07"


def test_debugging_checklist_runs_in_order(api, pm):
    project = ProjectFactory(owner=pm)
    client = api(pm)
    run = client.post(
        "/api/v1/checklist-runs/", {"project": project.pk, "template": "debugging-order"}
    )
    assert run.status_code == 201, run.json()
    run = run.json()
    assert run["ordered"]
    sections = []
    for item in run["items"]:
        if item["section"] not in sections:
            sections.append(item["section"])
    assert [s.split(". ")[1].split(" ")[0] for s in sections] == [
        "Data",
        "Evaluation",
        "Training",
        "Model",
        "Task",
    ]
    evaluation = next(i for i in run["items"] if i["section"].startswith("2."))
    response = client.patch(f"/api/v1/checklist-items/{evaluation['id']}/", {"status": "pass"})
    assert response.status_code == 409
    assert "Resolve “1. Data" in response.json()["detail"]

    data_items = [i for i in run["items"] if i["section"].startswith("1.")]
    response = client.patch(f"/api/v1/checklist-items/{data_items[0]['id']}/", {"status": "na"})
    assert response.status_code == 400
    assert "does not apply" in response.json()["detail"]
    for item in data_items:
        response = client.patch(
            f"/api/v1/checklist-items/{item['id']}/",
            {
                "status": "fail",
                "finding": "12 of 100 labels wrong",
                "evidence_url": "https://x.test/1",
            },
        )
        assert response.status_code == 200, response.json()
        assert response.json()["resolved_by"] == pm.username
    response = client.patch(f"/api/v1/checklist-items/{evaluation['id']}/", {"status": "pass"})
    assert response.status_code == 200
    # Changing only the status keeps the finding.
    response = client.patch(f"/api/v1/checklist-items/{data_items[0]['id']}/", {"status": "pass"})
    assert response.json()["finding"] == "12 of 100 labels wrong"

    markdown = client.get(f"/api/v1/checklist-runs/{run['id']}/markdown/")
    assert markdown.status_code == 200
    text = markdown.content.decode()
    assert text.startswith("# Debugging order")
    assert "## 1. Data (the most common cause)" in text
    assert "- [!] Look for label errors" in text
    assert "Finding: 12 of 100 labels wrong" in text
    assert "- [ ] Check the metric code for bugs" in text


@pytest.mark.parametrize(
    "slug",
    [
        "training-data-preparation",
        "data-qa",
        "dataset-licensing",
        "reproducibility",
        "performance-optimisation",
        "failure-handling",
    ],
)
def test_every_seeded_checklist_can_run(api, pm, slug):
    project = ProjectFactory(owner=pm)
    run = api(pm).post("/api/v1/checklist-runs/", {"project": project.pk, "template": slug})
    assert run.status_code == 201
    assert len(run.json()["items"]) >= 4


def test_unordered_checklist_items_resolve_in_any_order(api, pm):
    project = ProjectFactory(owner=pm)
    run = (
        api(pm)
        .post("/api/v1/checklist-runs/", {"project": project.pk, "template": "data-qa"})
        .json()
    )
    last = run["items"][-1]
    response = api(pm).patch(
        f"/api/v1/checklist-items/{last['id']}/", {"status": "na", "reason": "No training yet"}
    )
    assert response.status_code == 200
    assert ChecklistItem.objects.get(pk=last["id"]).reason == "No training yet"


def test_training_cost_estimate_api(api, pm):
    project = ProjectFactory(owner=pm)
    response = api(pm).post(
        "/api/v1/cost-estimates/",
        {
            "project": project.pk,
            "kind": "training",
            "tokens": 15_000_000_000,
            "tokens_per_second_per_gpu": 3000,
            "gpus": 8,
            "price_per_gpu_hour": "1.5",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["seconds"], body["hours"], body["days"]) == ("625000.00", "173.61", "7.23")
    assert body["cost"] == "2083.33"
    assert body["cost_range"] == ["4166.67", "6250.00"]
    assert body["result"]["cost_with_rounded_hours"] == "2088.00"
    listed = api(pm).get(f"/api/v1/cost-estimates/?project={project.pk}").json()
    assert listed["count"] == 1


def test_cost_estimate_with_preset_and_inference(api, pm):
    presets = {p["slug"]: p for p in api(pm).get("/api/v1/price-presets/").json()["results"]}
    assert (presets["spot"]["price_low"], presets["spot"]["price_high"]) == ("1.00", "1.50")
    response = api(pm).patch(
        f"/api/v1/price-presets/{presets['spot']['id']}/", {"price_low": "1.20"}
    )
    assert response.status_code == 200
    response = api(pm).post(
        "/api/v1/cost-estimates/",
        {
            "kind": "training",
            "preset": "spot",
            "tokens": 86_400_000,
            "tokens_per_second_per_gpu": 1000,
            "gpus": 1,
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["cost"] == "28.80"  # 24 h x $1.20
    response = api(pm).post(
        "/api/v1/cost-estimates/",
        {
            "kind": "inference",
            "pricing": "api",
            "requests_per_day": 10_000,
            "tokens_per_request": 1_500,
            "price_per_million_tokens": "0.5",
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["cost"] == "225.00"


def test_incomplete_estimate_names_the_missing_fields(api, pm):
    response = api(pm).post("/api/v1/cost-estimates/", {"kind": "training", "tokens": 10})
    assert response.status_code == 400
    assert set(response.json()["fields"]) >= {"gpus", "price_per_gpu_hour"}


def test_task_owner_and_status_change_is_recorded(api, pm, make_user):
    project = ProjectFactory(owner=pm, start_date=date(2026, 11, 30))
    tasks = instantiate(api(pm), project).json()["tasks"]
    from core.roles import Role

    colleague = make_user(Role.PM, username="colleague")
    response = api(pm).patch(
        f"/api/v1/roadmap-tasks/{tasks[0]['id']}/", {"owner": "colleague", "status": "doing"}
    )
    assert response.status_code == 200
    assert response.json()["task"]["owner"] == colleague.username
    from core.selectors import audit_history

    events = list(audit_history(RoadmapTask.objects.get(pk=tasks[0]["id"])))
    assert events[0].changes["status"] == ["todo", "doing"]


def test_project_links_a_mix_and_a_policy_by_id(api, pm, legal):
    from tests.planner.governance import default_policy_id, mix_row

    mix, policy = mix_row("API mix"), default_policy_id()
    response = api(pm).post(
        "/api/v1/projects/",
        {"name": "Linked", "start_date": "2026-11-30", "training_mix": mix, "policy": policy},
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["training_mix"], response.json()["policy"]) == (mix, policy)
    project = ProjectFactory._meta.model.objects.get(pk=response.json()["id"])
    tasks = {t["key"]: t for t in instantiate(api(pm), project).json()["tasks"]}
    # The default policy is published; only the mix still waits on Legal.
    assert tasks["first-fine-tune"]["blockers"] == [
        "Training mix 'API mix' has not been submitted for legal review.",
        "Training mix 'API mix' has no datasets.",
    ]


def test_a_project_owner_must_be_a_pm(api, pm, annotator):
    response = api(pm).post(
        "/api/v1/projects/",
        {"name": "Owned", "start_date": "2026-11-30", "owner": annotator.username},
    )
    assert response.status_code == 400
    assert response.json()["fields"]["owner"] == ["The owner of a project must be a PM."]


def test_a_start_date_at_the_end_of_the_calendar_is_a_400_not_a_crash(api, pm):
    project = ProjectFactory(owner=pm)
    response = instantiate(api(pm), project, start="9999-12-24")
    assert response.status_code == 400
    assert "past the last date" in response.json()["detail"]
    assert api(pm).get(f"/api/v1/projects/{project.pk}/roadmap/").status_code == 404


def test_moving_a_task_to_the_end_of_the_calendar_is_a_400_not_a_crash(api, pm):
    project = ProjectFactory(owner=pm)
    tasks = {t["key"]: t for t in instantiate(api(pm), project).json()["tasks"]}
    eval_pipeline = tasks["eval-pipeline"]
    response = api(pm).patch(
        f"/api/v1/roadmap-tasks/{eval_pipeline['id']}/", {"starts_on": "9999-12-31"}
    )
    assert response.status_code == 400
    assert "past the last date" in response.json()["detail"]
    assert RoadmapTask.objects.get(pk=eval_pipeline["id"]).due_on == date(2026, 12, 4)
