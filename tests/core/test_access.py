"""Each role is allowed or denied on representative pages and API endpoints."""

import pytest

from core.roles import Role

pytestmark = pytest.mark.django_db

UI_PAGES = {
    "/governance/": {Role.PM, Role.LEGAL, Role.ADMIN},
    "/planner/": {Role.PM, Role.LEGAL, Role.ADMIN},
    "/monitoring/": {Role.PM, Role.LEGAL, Role.ADMIN},
    "/monitoring/review/": {Role.ANNOTATOR, Role.LEGAL, Role.ADMIN},
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("path", list(UI_PAGES))
def test_ui_pages_follow_roles(client_as, make_user, role, path):
    response = client_as(make_user(role)).get(path)
    expected = 200 if role in UI_PAGES[path] else 403
    assert response.status_code == expected
    if expected == 403:
        assert b"You can't open this page" in response.content
        assert b"one of these roles" in response.content


def test_anonymous_ui_redirects_to_login(client):
    response = client.get("/governance/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/governance/")


@pytest.mark.parametrize("role", list(Role))
def test_navigation_shows_only_allowed_sections(client_as, make_user, role):
    html = client_as(make_user(role)).get("/").content.decode()
    for section, path in [("governance", "/governance/"), ("review", "/monitoring/review/")]:
        allowed = role in UI_PAGES[path]
        assert (f'data-nav="{section}"' in html) == allowed, (role, section)


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_its_own_identity_over_the_api(api, make_user, role):
    user = make_user(role)
    response = api(user).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["roles"] == [role.value]


def test_api_without_credentials_is_401_with_uniform_body(api):
    response = api().get("/api/v1/me/")
    assert response.status_code == 401
    body = response.json()
    assert body["error"] == "not_authenticated"
    assert "credentials" in body["detail"].lower()
    assert response["WWW-Authenticate"] == "Bearer"
