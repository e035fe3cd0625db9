"""In a real browser: Legal works the review queue, then builds a mix whose verdict updates live."""

import pytest

from core.roles import Role
from governance.models import Dataset, ReviewStatus, TrainingMix
from tests.governance.factories import DatasetFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_legal_approves_from_the_queue_and_builds_a_mix(page, live_server, login, make_user):
    legal = make_user(Role.LEGAL)
    oasst = DatasetFactory(
        name="OASST1", license_expression="Apache-2.0", status=ReviewStatus.IN_REVIEW
    )
    DatasetFactory(name="Stanford Alpaca", license_expression="CC-BY-NC-4.0")
    login(legal)

    page.goto(f"{live_server.url}/governance/")
    page.click("text=Legal review queue")
    page.wait_for_url(f"{live_server.url}/governance/review/")
    page.click("#awaiting + div >> text=OASST1")
    page.wait_for_url(f"{live_server.url}/governance/datasets/{oasst.pk}/**")
    assert "Apache-2.0 allows commercial use." in page.locator("#verdict").inner_text()
    page.fill("textarea[name=note]", "Permissive, crowd-sourced with consent.")
    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=status]:has-text('Approved')")
    assert Dataset.objects.get(pk=oasst.pk).status == ReviewStatus.APPROVED

    page.goto(f"{live_server.url}/governance/mixes/")
    page.click("text=Build a mix")
    page.fill("input[name=name]", "Support SFT")
    verdict = page.locator("[data-testid=commercial-use]")
    assert verdict.inner_text() == "unknown"  # nothing in the mix yet

    page.select_option("select[name=add_dataset]", label="OASST1 (Apache-2.0)")
    page.click("[data-testid=add-dataset]")
    page.wait_for_selector("[data-testid=components] >> text=OASST1")
    assert verdict.inner_text() == "allowed"

    page.select_option("select[name=add_dataset]", label="Stanford Alpaca (CC-BY-NC-4.0)")
    page.click("[data-testid=add-dataset]")
    page.wait_for_selector("[data-testid=commercial-use]:has-text('not allowed')")
    assert "Stanford Alpaca: CC-BY-NC-4.0 allows non-commercial use only." in (
        page.locator("#verdict").inner_text()
    )

    page.click("[data-testid=components] tr:has-text('Stanford Alpaca') >> text=Remove")
    page.wait_for_selector("[data-testid=commercial-use]:text-is('allowed')")

    page.click("[data-testid=save-mix]")
    page.wait_for_selector("h1:has-text('Support SFT')")
    mix = TrainingMix.objects.get(name="Support SFT")
    assert [c.dataset.name for c in mix.components.all()] == ["OASST1"]
    assert (
        "has not been submitted for legal review"
        in page.locator("[data-testid=blockers]").inner_text()
    )
