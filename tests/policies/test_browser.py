"""In a real browser: Legal drafts a new version, previews the prompt, publishes; a PM attests."""

import pytest

from governance.policies import selectors
from tests.policies.factories import policy_with_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_legal_drafts_previews_publishes_and_pm_attests(page, live_server, login, legal, pm):
    policy = policy_with_version(legal, publish=True)
    login(legal)
    page.goto(f"{live_server.url}/governance/policies/")
    page.click("text=Support bot")
    page.click("[data-testid=draft]")
    page.wait_for_url(f"{live_server.url}/governance/policies/{policy.pk}/v2/")
    assert page.locator("[data-testid=version-status]").inner_text() == "Draft"

    # Add a category inline; the editor refreshes in place.
    form = page.locator("[data-testid=add-category]")
    form.locator("input[name=code]").fill("C2")
    form.locator("input[name=name]").fill("Legal Threats")
    form.locator("textarea[name=description]").fill("Never threaten customers with lawsuits.")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".category-row[data-code=C2]")
    # Move it above C1.
    page.click("button[aria-label='Move C2 up']")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.category-row[data-code]')]"
        ".map(e => e.dataset.code).join(',') === 'S1,S6,C2,C1'"
    )

    # Preview the exact prompt, descriptions included.
    pane = page.locator("[data-testid=preview-pane]")
    pane.locator("input[name=with_descriptions]").check()
    pane.locator("[data-testid=preview]").click()
    prompt = page.locator("[data-testid=prompt]")
    prompt.wait_for()
    text = prompt.inner_text()
    assert "C2: Legal Threats.\nNever threaten customers with lawsuits.\nC1:" in text
    assert "ONLY THE LAST Agent message" in text

    # Through the workflow to published.
    page.goto(f"{live_server.url}/governance/policies/{policy.pk}/")
    for verb in ("submit", "approve", "publish"):
        page.fill("[data-testid=workflow] input[name=note]", f"{verb} in the browser")
        page.click(f"button[data-verb={verb}]")
        page.wait_for_selector(".message.success")
    assert "Version 2 is now published." in page.locator(".messages").inner_text()
    assert selectors.policy_published_version(policy).number == 2

    # A PM finds it on the dashboard and confirms having read it.
    page.click("[data-testid=logout]")
    login(pm)
    page.click("text=Policies awaiting your attestation")
    page.click("tr[data-state=awaiting] >> text=Support bot")
    assert "C2: Legal Threats." in page.locator("ol.red-lines").inner_text()
    page.click("[data-testid=attest]")
    page.wait_for_selector("[data-testid=attested]")
    assert "You confirmed version 2" in page.locator("[data-testid=attested]").inner_text()

    # Legal sees who has confirmed and who has not.
    page.click("[data-testid=logout]")
    login(legal)
    page.goto(f"{live_server.url}/governance/policies/{policy.pk}/")
    assert "pm_user" in page.locator("[data-testid=attested-list]").inner_text()
    assert "legal_user" in page.locator("[data-testid=pending-list]").inner_text()
