"""In a real browser: a PM plans a project, completes a task and downloads the calendar."""

import pytest
from icalendar import Calendar

from core.roles import Role
from planner import reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pm_plans_a_project_end_to_end(page, live_server, login, make_user, tmp_path):
    reference_data.ensure()
    pm = make_user(Role.PM)
    login(pm)
    page.click("nav a[data-nav=planner]")
    assert page.locator("h1").inner_text() == "Planner"
    page.click("[data-testid=new-project]")

    page.fill("input[name=name]", "Invoice field extractor")
    page.fill("input[name=start_date]", "2026-11-27")
    page.select_option("select[name=data_sensitivity]", "sensitive")
    page.select_option("select[name=model_approach]", "api")
    page.click("[data-testid=project-form] button[type=submit]")
    assert page.locator("h1").inner_text() == "Invoice field extractor"
    assert "open-source model" in page.locator("[data-testid=advice]").inner_text()

    # The start date comes from the project; the two-week kickoff plan is preselected.
    page.click("[data-testid=instantiate] button[type=submit]")
    timeline = page.locator("[data-testid=timeline]")
    timeline.wait_for()
    assert timeline.locator(".bar").count() == 8
    assert page.locator("[data-testid=end-date]").inner_text() == "Thu 2026-12-10"
    blockers = page.locator("tr[data-task=first-fine-tune] [data-testid=blockers]").inner_text()
    assert "No published red-line policy is linked to this project." in blockers

    # Completing a task swaps the roadmap section in place.
    page.select_option("tr[data-task=explore] select[name=status]", "done")
    page.locator("[data-testid=progress]", has_text="1 of 8 done").wait_for()
    assert page.locator("tr[data-task=explore] select[name=status]").input_value() == "done"

    # The gate refuses to start the first fine-tune and says why.
    page.select_option("tr[data-task=first-fine-tune] select[name=status]", "doing")
    error = page.locator("[data-testid=roadmap-error]")
    error.wait_for()
    assert "cannot start yet" in error.inner_text()

    with page.expect_download() as download_info:
        page.click("[data-testid=ics]")
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    events = Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    summaries = {str(event["summary"]) for event in events}
    assert "Data exploration and task clarification (Done)" in summaries
    assert len(events) == 8
