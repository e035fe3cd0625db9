"""In a real browser: log in, visit every navigation entry, log out."""

import pytest

from core.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ANNOTATOR])
def test_login_navigate_every_entry_and_logout(page, live_server, login, make_user, role):
    user = make_user(role)
    login(user)
    assert page.locator("h1").inner_text() == "Dashboard"

    entries = page.locator("nav .nav-links a[data-nav]")
    labels = {
        entries.nth(i).get_attribute("data-nav"): entries.nth(i).get_attribute("href")
        for i in range(entries.count())
    }
    expected = {
        "home",
        "governance",
        "planner",
        "monitoring",
        "review",
        "audit",
        "tokens",
        "notifications",
    }
    if role == Role.ANNOTATOR:
        expected = {"home", "review", "tokens", "notifications"}
    assert set(labels) == expected
    for section, href in labels.items():
        page.click(f"nav a[data-nav={section}]")
        page.wait_for_url(f"{live_server.url}{href}")
        assert page.locator("h1").count() == 1
        assert "can't open" not in page.content()

    page.click("[data-testid=logout]")
    page.wait_for_url(f"{live_server.url}/login/")
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/login/")


def test_wrong_password_says_so(page, live_server, make_user):
    user = make_user(Role.PM)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    assert "did not match" in page.locator(".message.error").inner_text()
