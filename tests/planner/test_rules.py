"""One home per rule: name uniqueness ignoring case, the shared project filter, reference data."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planner import reference_data
from planner.models import PricePreset, RoadmapTemplate
from planner.selectors import project_list
from tests.planner.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_a_project_name_taken_in_another_case_is_a_400_naming_the_field(api, pm):
    ProjectFactory(owner=pm, name="Invoice reader")
    response = api(pm).post(
        "/api/v1/projects/", {"name": "INVOICE reader", "start_date": "2026-11-30"}
    )
    assert response.status_code == 400
    assert response.json()["fields"]["name"] == ["A project with this name already exists."]


def test_renaming_a_project_onto_another_name_is_refused(api, pm):
    ProjectFactory(owner=pm, name="Invoice reader")
    other = ProjectFactory(owner=pm, name="Other")
    response = api(pm).patch(f"/api/v1/projects/{other.pk}/", {"name": "invoice READER"})
    assert response.status_code == 400
    assert "name" in response.json()["fields"]


def test_the_project_form_shows_the_duplicate_name_on_the_name_field(client_as, pm):
    ProjectFactory(owner=pm, name="Invoice reader")
    response = client_as(pm).post(
        "/planner/projects/new/",
        {
            "name": "invoice reader",
            "start_date": "2026-11-30",
            "status": "planning",
            "data_sensitivity": "internal",
            "model_approach": "api",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["A project with this name already exists."]


def test_a_template_name_taken_in_another_case_is_a_400(api, pm):
    response = api(pm).post(
        "/api/v1/roadmap-templates/",
        {
            "slug": "other-kickoff",
            "name": "TWO-WEEK KICKOFF",
            "tasks": [{"key": "a", "title": "A", "day": 1}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["fields"]["name"] == [
        "A roadmap template with this name already exists."
    ]


def test_copying_a_template_twice_picks_a_free_name(api, pm):
    seeded = RoadmapTemplate.objects.get(slug="two-week-kickoff")
    first = api(pm).post(f"/api/v1/roadmap-templates/{seeded.pk}/copy/", {}).json()
    second = api(pm).post(f"/api/v1/roadmap-templates/{seeded.pk}/copy/", {}).json()
    assert first["name"] == "Two-week kickoff (copy)"
    assert second["name"] == "Two-week kickoff (copy) 2"


def test_page_api_and_selector_filter_projects_alike(api, client_as, pm):
    ProjectFactory(owner=pm, name="Support triage", use_case="Route tickets", status="active")
    ProjectFactory(owner=pm, name="Code reviewer", use_case="Review diffs", status="paused")
    # Every word must appear in the name or the use case, in any order.
    assert [p.name for p in project_list(filters={"search": "tickets support"})] == [
        "Support triage"
    ]
    api_names = [
        p["name"] for p in api(pm).get("/api/v1/projects/?search=tickets support").json()["results"]
    ]
    assert api_names == ["Support triage"]
    html = client_as(pm).get("/planner/?search=tickets+support").content.decode()
    assert "Support triage" in html and "Code reviewer" not in html
    assert [p.name for p in project_list(filters={"status": "paused"})] == ["Code reviewer"]


def test_reference_data_is_idempotent_and_one_query_when_present():
    PricePreset.objects.filter(slug="spot").delete()
    reference_data.ensure()
    assert PricePreset.objects.filter(slug="spot").exists()
    with CaptureQueriesContext(connection) as queries:
        reference_data.ensure()
    assert len(queries.captured_queries) == 1


def test_services_check_the_actors_role_themselves(annotator, legal, pm):
    from core.public import SYSTEM, PermissionDenied
    from planner.services.projects import project_create

    for outsider in (annotator, legal):
        with pytest.raises(PermissionDenied):
            project_create(actor=outsider, owner=pm, name="Nope", start_date=date(2026, 11, 30))
    project = project_create(
        actor=SYSTEM, owner=pm, name="By Steward", start_date=date(2026, 11, 30)
    )
    assert project.owner == pm


def test_a_link_to_a_missing_record_is_a_400_on_that_field(api, pm):
    response = api(pm).post(
        "/api/v1/projects/",
        {"name": "Linked", "start_date": "2026-11-30", "training_mix": 999999, "policy": None},
        format="json",
    )
    assert response.status_code == 400
    assert "training_mix" in response.json()["fields"]
