"""An annotator reviews three items with the keyboard only."""

import pytest

from governance.policies.models import Policy, PolicyCategory, PolicyVersion
from monitoring.review.models import Review, ReviewItem
from tests.review.factories import GuardScanFactory, ReviewItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_annotator_reviews_three_items_with_the_keyboard(page, live_server, login, annotator):
    policy = Policy.objects.create(name="Red lines", slug="red-lines")
    version = PolicyVersion.objects.create(policy=policy, number=1, status="published")
    for position, (code, name) in enumerate([("S1", "Violent crimes"), ("S2", "Fraud")], 1):
        PolicyCategory.objects.create(version=version, position=position, code=code, name=name)
    items = [ReviewItemFactory(priority=50 - i) for i in range(3)]
    for item in items:
        GuardScanFactory(output=item.output, policy_version=version, verdict="unsafe")
        item.output.model = "secret-model-x"
        item.output.save()

    login(annotator)
    page.goto(f"{live_server.url}/monitoring/review/")
    section = page.locator("#review-item")
    assert section.get_attribute("data-item-id") == str(items[0].pk)
    assert "secret-model-x" not in page.content()  # blind: no model identity
    assert "guard:" not in section.inner_text()  # nor the guard's verdict

    page.keyboard.press("?")
    assert page.locator("#review-help").is_visible()
    page.keyboard.press("?")

    page.keyboard.press("1")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#review-item[data-item-id='{items[1].pk}']")
    assert page.get_by_test_id("done-today").inner_text() == "1"

    page.keyboard.press("2")
    page.keyboard.press("2")  # category mode: toggles S2
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#review-item[data-item-id='{items[2].pk}']")

    page.keyboard.press("2")
    page.keyboard.press("1")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=queue-empty]")
    assert page.get_by_test_id("done-today").inner_text() == "3"

    labels = {r.item_id: (r.verdict, r.categories) for r in Review.objects.filter(user=annotator)}
    assert labels == {
        items[0].pk: ("safe", []),
        items[1].pk: ("unsafe", ["S2"]),
        items[2].pk: ("unsafe", ["S1"]),
    }
    assert not ReviewItem.objects.filter(status="open").exists()


def test_skip_key_hands_the_item_back(page, live_server, login, annotator):
    first, second = ReviewItemFactory(priority=20), ReviewItemFactory(priority=10)
    login(annotator)
    page.goto(f"{live_server.url}/monitoring/review/")
    assert page.locator("#review-item").get_attribute("data-item-id") == str(first.pk)
    page.keyboard.press("s")
    page.wait_for_selector(f"#review-item[data-item-id='{second.pk}']")
    assert Review.objects.count() == 0
