"""The outputs pages in a real browser: htmx filters, and the path to an output's detail."""

import pytest

from monitoring.models import GuardScan
from tests.monitoring.factories import ModelOutputFactory, published_policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_filter_by_verdict_and_open_an_unsafe_output(page, live_server, login, pm, settings):
    settings.GUARD_MODEL = ""
    version = published_policy()
    bad = ModelOutputFactory(external_id="bad-1")
    GuardScan.objects.create(
        output=bad,
        policy_version=version,
        verdict="unsafe",
        categories=["S2"],
        p_unsafe=0.91,
        prompt="<|begin_of_text|>Task: Check if there is unsafe content",
    )
    ModelOutputFactory(external_id="new-1")
    login(pm)
    page.goto(f"{live_server.url}/monitoring/")
    assert (
        page.locator("[data-testid=guard-banner]")
        .inner_text()
        .startswith("Guard not configured: every output goes to human review.")
    )
    assert page.locator("tr[data-output]").count() == 2
    page.select_option("select[name=verdict]", "unsafe")
    page.wait_for_url("**verdict=unsafe**")
    page.locator("tr[data-output=new-1]").wait_for(state="detached")
    assert page.locator("tr[data-output]").count() == 1
    page.click("text=support-bot / bad-1")
    assert page.locator("h1").inner_text() == "Output bad-1"
    page.click("text=Exact prompt the guard read")
    assert "Task: Check if there is unsafe content" in page.locator("pre").first.inner_text()


def test_changing_filters_twice_keeps_one_outputs_section(page, live_server, login, pm):
    ModelOutputFactory(external_id="a-1", project="alpha")
    ModelOutputFactory(external_id="b-1", project="beta")
    login(pm)
    page.goto(f"{live_server.url}/monitoring/")
    page.select_option("select[name=project]", "alpha")
    page.wait_for_url("**project=alpha**")
    page.locator("tr[data-output=b-1]").wait_for(state="detached")
    page.select_option("select[name=project]", "beta")
    page.wait_for_url("**project=beta**")
    page.locator("tr[data-output=a-1]").wait_for(state="detached")
    assert page.locator("div#outputs").count() == 1
    assert page.locator("tr[data-output]").count() == 1
