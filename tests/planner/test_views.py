"""Planner pages: dashboard, project, roadmap timeline, task changes, checklists, exports."""

from datetime import date
from io import StringIO

import pytest
from icalendar import Calendar

from core.dashboard import dashboard_cards
from core.roles import Role
from planner.demo import DEMO_PROJECT, load_demo
from planner.models import ChecklistItem, ChecklistTemplate, Project, RoadmapTask, RoadmapTemplate
from planner.services.checklists import checklist_run_start
from planner.services.roadmaps import roadmap_instantiate
from tests.planner.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def with_roadmap(owner, start=date(2026, 11, 30)):
    project = ProjectFactory(owner=owner, start_date=start)
    roadmap = roadmap_instantiate(
        project=project,
        template=RoadmapTemplate.objects.get(slug="two-week-kickoff"),
        start_date=start,
        actor=owner,
    )
    return project, roadmap


def test_pm_creates_a_project_through_the_form(client_as, pm):
    client = client_as(pm)
    response = client.post(
        "/planner/projects/new/",
        {
            "name": "Contract clause extractor",
            "start_date": "2026-11-30",
            "status": "planning",
            "data_sensitivity": "sensitive",
            "model_approach": "api",
        },
    )
    project = Project.objects.get(name="Contract clause extractor")
    assert response.status_code == 302
    assert response["Location"] == f"/planner/projects/{project.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "an open-source model" in page
    assert "Schedule roadmap" in page


def test_instantiate_from_the_page_shows_the_timeline(client_as, pm):
    project = ProjectFactory(owner=pm)
    client = client_as(pm)
    client.post(
        f"/planner/projects/{project.pk}/roadmap/",
        {"template": "two-week-kickoff", "start_date": "2026-11-27", "holiday_country": ""},
    )
    page = client.get(f"/planner/projects/{project.pk}/").content.decode()
    assert 'data-testid="timeline"' in page
    assert "Thu 2026-12-10" in page  # the end date
    assert "0 of 8 done" in page
    assert "No published red-line policy is linked to this project." in page


def test_gate_refusal_is_shown_in_the_roadmap_fragment(client_as, pm):
    _project, roadmap = with_roadmap(pm)
    fine_tune = roadmap.tasks.get(key="first-fine-tune")
    response = client_as(pm).post(
        f"/planner/tasks/{fine_tune.pk}/status/", {"status": "doing"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>" not in html  # only the fragment
    assert "cannot start yet" in html
    fine_tune.refresh_from_db()
    assert fine_tune.status == "todo"


def test_completing_a_task_updates_progress(client_as, pm):
    _project, roadmap = with_roadmap(pm)
    explore = roadmap.tasks.get(key="explore")
    html = (
        client_as(pm)
        .post(f"/planner/tasks/{explore.pk}/status/", {"status": "done"}, HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert "1 of 8 done" in html
    assert RoadmapTask.objects.get(pk=explore.pk).completed_at is not None


def test_moving_a_task_late_shows_the_new_end_date(client_as, pm):
    _project, roadmap = with_roadmap(pm)
    eval_pipeline = roadmap.tasks.get(key="eval-pipeline")
    html = (
        client_as(pm)
        .post(
            f"/planner/tasks/{eval_pipeline.pk}/move/",
            {"due_on": "2026-12-08"},
            HTTP_HX_REQUEST="true",
        )
        .content.decode()
    )
    assert "Tue 2026-12-15" in html
    assert "4 days later than planned" in html


def test_overdue_tasks_are_highlighted(client_as, pm):
    project, _roadmap = with_roadmap(pm, start=date(2024, 1, 8))
    html = client_as(pm).get(f"/planner/projects/{project.pk}/").content.decode()
    assert "8 overdue" in html


def test_ics_download_and_subscription(client_as, pm, client):
    project, roadmap = with_roadmap(pm)
    response = client_as(pm).get(f"/planner/projects/{project.pk}/roadmap.ics")
    assert response["Content-Type"] == "text/calendar"
    assert "attachment" in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert len(events) == 8
    scale_up = events["Scale-up plan (To do)"]
    assert scale_up.decoded("dtstart") == date(2026, 12, 11)
    assert scale_up.decoded("dtend") == date(2026, 12, 12)  # exclusive end
    client.logout()
    feed = client.get(f"/planner/calendar/{roadmap.calendar_token}.ics")
    assert feed.status_code == 200
    assert b"BEGIN:VCALENDAR" in feed.content
    assert client.get("/planner/calendar/wrong-token.ics").status_code == 404


def test_checklist_page_enforces_order_and_exports(client_as, pm):
    project = ProjectFactory(owner=pm)
    run = checklist_run_start(
        project=project, template=ChecklistTemplate.objects.get(slug="debugging-order"), actor=pm
    )
    client = client_as(pm)
    later = run.items.filter(step=1).first()
    html = client.post(
        f"/planner/checklist-items/{later.pk}/", {"status": "pass"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Resolve “1. Data" in html
    first = run.items.get(step=0, order=0)
    client.post(
        f"/planner/checklist-items/{first.pk}/",
        {"status": "na", "reason": "Data is synthetic", "finding": ""},
        HTTP_HX_REQUEST="true",
    )
    assert ChecklistItem.objects.get(pk=first.pk).status == "na"
    markdown = client.get(f"/planner/checklists/{run.pk}.md").content.decode()
    assert "Not applicable because: Data is synthetic" in markdown


def test_demo_is_idempotent_and_fills_the_dashboard(client_as, make_user):
    pm = make_user(Role.PM, username="pm")
    out = StringIO()
    load_demo(out)
    load_demo(out)
    assert Project.objects.filter(name=DEMO_PROJECT).count() == 1
    project = Project.objects.get(name=DEMO_PROJECT)
    assert project.roadmap.tasks.filter(status="done").count() == 2
    html = client_as(pm).get("/planner/").content.decode()
    assert DEMO_PROJECT in html
    assert "2/8" in html
    assert "1 open" in html  # the debugging run
    assert "$185.19" in html  # 2B tokens on 8 spot GPUs at $1.00
    assert "First fine-tune" in html  # waiting on its gate
    cards = {c.title: c for c in dashboard_cards(pm) if c.section == "Planner"}
    assert cards["Open debugging runs"].value == 1
    assert cards["Tasks waiting on a gate"].value == 1


def test_search_and_status_filter(client_as, pm):
    ProjectFactory(owner=pm, name="Legal summariser", status="active")
    ProjectFactory(owner=pm, name="Code reviewer", status="paused")
    client = client_as(pm)
    html = client.get(
        "/planner/?search=legal", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    ).content.decode()
    assert "Legal summariser" in html and "Code reviewer" not in html
    html = client.get("/planner/?status=paused").content.decode()
    assert "Code reviewer" in html and "Legal summariser" not in html
    assert "Nothing matches these filters." in client.get("/planner/?search=zzz").content.decode()


def test_template_copy_and_yaml_edit(client_as, pm):
    seeded = RoadmapTemplate.objects.get(slug="two-week-kickoff")
    client = client_as(pm)
    response = client.post(f"/planner/templates/{seeded.pk}/copy/")
    copy = RoadmapTemplate.objects.get(slug="two-week-kickoff-copy")
    assert response["Location"] == f"/planner/templates/{copy.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "key: first-fine-tune" in page
    response = client.post(
        f"/planner/templates/{copy.pk}/",
        {
            "name": "Short kickoff",
            "description": "",
            "tasks": "- key: eval\n  title: Evaluation first\n  day: 1\n"
            "- key: tune\n  title: Tune\n  day: 2\n  depends_on: [eval]\n",
        },
    )
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.name == "Short kickoff"
    assert [t.key for t in copy.tasks.all()] == ["eval", "tune"]
    # The built-in one cannot be edited.
    client.post(f"/planner/templates/{seeded.pk}/", {"name": "x", "tasks": "[]"})
    seeded.refresh_from_db()
    assert seeded.name == "Two-week kickoff"


def test_estimate_from_the_project_page(client_as, pm):
    project = ProjectFactory(owner=pm)
    client = client_as(pm)
    client.post(
        f"/planner/projects/{project.pk}/estimates/training/",
        {
            "tokens": "15000000000",
            "tokens_per_second_per_gpu": "3000",
            "gpus": "8",
            "preset": "spot",
            "price_per_gpu_hour": "1.5",
        },
    )
    html = client.get(f"/planner/projects/{project.pk}/").content.decode()
    assert "$2,083.33" in html
    assert "625,000 s" in html


@pytest.mark.parametrize("role", ["annotator", "pipeline"])
def test_other_roles_are_refused(client_as, request, role):
    client = client_as(request.getfixturevalue(role))
    assert client.get("/planner/").status_code == 403


def test_legal_sees_but_cannot_edit(client_as, legal, pm):
    project, roadmap = with_roadmap(pm)
    client = client_as(legal)
    html = client.get(f"/planner/projects/{project.pk}/").content.decode()
    assert "No published red-line policy" in html
    assert '<select name="status"' not in html
    explore = roadmap.tasks.get(key="explore")
    assert (
        client.post(f"/planner/tasks/{explore.pk}/status/", {"status": "done"}).status_code == 403
    )
    assert client.get("/planner/projects/new/").status_code == 403
    assert dashboard_cards(legal)


def test_pm_writes_a_template_in_the_page(client_as, pm):
    client = client_as(pm)
    assert "key: eval-set" in client.get("/planner/templates/new/").content.decode()
    response = client.post(
        "/planner/templates/new/",
        {
            "name": "Retrieval first",
            "slug": "retrieval-first",
            "tasks": "- key: index\n  title: Build the index\n  day: 1\n"
            "- key: loop\n  title: Loop\n  day: 2\n  depends_on: [loop]\n",
        },
    )
    assert "form a loop" in response.content.decode()  # a self-dependency is refused
    assert not RoadmapTemplate.objects.filter(slug="retrieval-first").exists()
    response = client.post(
        "/planner/templates/new/",
        {
            "name": "Retrieval first",
            "slug": "retrieval-first",
            "tasks": "- key: index\n  title: Build the index\n  day: 1\n",
        },
    )
    template = RoadmapTemplate.objects.get(slug="retrieval-first")
    assert response["Location"] == f"/planner/templates/{template.pk}/"
    assert "Retrieval first" in client.get("/planner/templates/").content.decode()


def test_moving_only_the_start_in_the_form_keeps_the_length(client_as, pm):
    _project, roadmap = with_roadmap(pm)
    baseline = roadmap.tasks.get(key="baseline")  # Wed 2 - Thu 3 December
    client_as(pm).post(
        f"/planner/tasks/{baseline.pk}/move/",
        {"starts_on": "2026-12-07", "due_on": "2026-12-03"},  # the due field left as it was
        HTTP_HX_REQUEST="true",
    )
    baseline.refresh_from_db()
    assert (baseline.starts_on, baseline.due_on) == (date(2026, 12, 7), date(2026, 12, 8))
    fine_tune = roadmap.tasks.get(key="first-fine-tune")
    assert fine_tune.starts_on == date(2026, 12, 9)


def test_inference_estimate_on_own_gpus_from_the_page(client_as, pm):
    project = ProjectFactory(owner=pm)
    client = client_as(pm)
    client.post(
        f"/planner/projects/{project.pk}/estimates/inference/",
        {
            "pricing": "serving",
            "requests_per_day": "864000",
            "tokens_per_request": "1000",
            "serving_tokens_per_second_per_gpu": "4000",
            "preset": "spot",
        },
    )
    html = client.get(f"/planner/projects/{project.pk}/").content.decode()
    assert "3 GPU(s) always on" in html
    assert "$2,160.00</strong> / month" in html  # 3 x 720 h x $1.00


def test_demo_links_the_governance_demo_records(client_as, make_user, monkeypatch):
    from tests.planner.governance import default_policy_id, mix_row

    pm = make_user(Role.PM, username="pm")
    mix, policy = mix_row("Demo mix"), default_policy_id()
    # governance's demo records, as its public surface names them after its own demo loads
    monkeypatch.setattr("planner.demo.demo_training_mix_id", lambda: mix)
    monkeypatch.setattr("planner.demo.demo_policy_id", lambda: policy)
    load_demo(StringIO())
    project = Project.objects.get(name=DEMO_PROJECT)
    assert (project.training_mix_id, project.policy_id) == (mix, policy)
    html = client_as(pm).get(f"/planner/projects/{project.pk}/").content.decode()
    assert "has not been submitted for legal review" in html
    assert "No published red-line policy" not in html


def test_instantiate_with_a_country_from_the_list_skips_its_holidays(client_as, pm):
    project = ProjectFactory(owner=pm)
    client = client_as(pm)
    page = client.get(f"/planner/projects/{project.pk}/").content.decode()
    assert '<option value="KR">South Korea (KR)</option>' in page
    response = client.post(
        f"/planner/projects/{project.pk}/roadmap/",
        {"template": "two-week-kickoff", "start_date": "2026-12-30", "holiday_country": "XX"},
        follow=True,
    )
    assert "holiday_country: Select a valid choice." in response.content.decode()
    client.post(
        f"/planner/projects/{project.pk}/roadmap/",
        {"template": "two-week-kickoff", "start_date": "2026-12-30", "holiday_country": "US"},
    )
    baseline = project.roadmap.tasks.get(key="baseline")
    assert baseline.starts_on == date(2027, 1, 4)
    assert (
        "skipping US public holidays"
        in client.get(f"/planner/projects/{project.pk}/").content.decode()
    )


def test_pm_hands_a_task_to_a_colleague(client_as, pm, make_user, annotator):
    colleague = make_user(Role.PM, username="colleague")
    _project, roadmap = with_roadmap(pm)
    baseline = roadmap.tasks.get(key="baseline")
    client = client_as(pm)
    html = client.post(
        f"/planner/tasks/{baseline.pk}/owner/", {"owner": "colleague"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert '<option value="colleague" selected>' in html
    baseline.refresh_from_db()
    assert baseline.owner == colleague
    # Only PMs own tasks.
    html = client.post(
        f"/planner/tasks/{baseline.pk}/owner/",
        {"owner": annotator.username},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Choose a PM as the owner." in html
