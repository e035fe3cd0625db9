"""One home per rule: name uniqueness in the database, one FilterSet for page and API, one
field list for form and serializer."""

import pytest

from governance.policies.api.serializers import PolicySerializer
from governance.policies.forms import PolicySettingsForm
from governance.policies.models import POLICY_FIELDS, Policy
from tests.policies.factories import policy_with_version

pytestmark = pytest.mark.django_db
BASE = "/api/v1/policies/"


def test_names_are_unique_whatever_their_case_in_the_api(api, legal):
    policy_with_version(legal, name="Support bot")
    response = api(legal).post(BASE, {"name": "SUPPORT BOT"})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "duplicate" and "already exists" in body["detail"]
    assert "name" in body["fields"]
    assert Policy.objects.filter(name__iexact="support bot").count() == 1


def test_a_taken_slug_is_a_400_on_the_slug(api, legal):
    policy_with_version(legal, name="Support bot")
    response = api(legal).post(BASE, {"name": "Other", "slug": "support-bot"})
    assert response.status_code == 400 and "slug" in response.json()["fields"]


def test_a_derived_slug_takes_the_next_free_suffix(legal):
    first = policy_with_version(legal, name="Kids")
    second = policy_with_version(legal, name="Kids!")
    assert (first.slug, second.slug) == ("kids", "kids-2")


def test_renaming_onto_another_name_is_a_form_error_on_the_page(client_as, legal):
    policy_with_version(legal, name="Support bot")
    other = policy_with_version(legal, name="Other")
    response = client_as(legal).post(
        f"/governance/policies/{other.pk}/settings/",
        {"name": "support BOT", "review_cadence_days": 30},
        follow=True,
    )
    assert "A policy with this name already exists." in response.content.decode()
    other.refresh_from_db()
    assert other.name == "Other"


def test_renaming_onto_another_name_is_a_400_in_the_api(api, legal):
    policy_with_version(legal, name="Support bot")
    other = policy_with_version(legal, name="Other")
    response = api(legal).patch(f"{BASE}{other.pk}/", {"name": "Support Bot"})
    assert response.status_code == 400 and "name" in response.json()["fields"]


def test_form_and_serializer_share_the_field_list():
    assert list(PolicySettingsForm.base_fields) == list(POLICY_FIELDS)
    assert set(POLICY_FIELDS) <= set(PolicySerializer.Meta.fields)


def test_the_page_and_the_api_filter_alike(client_as, api, legal):
    policy_with_version(legal, name="Support bot", publish=True)
    policy_with_version(legal, name="Kids tutor")
    for query in ({"q": "kids"}, {"status": "published"}, {"status": "draft"}, {"slug": "default"}):
        page = client_as(legal).get("/governance/policies/", query).content.decode()
        shown = {p.name for p in Policy.objects.all() if f'data-policy="{p.slug}"' in page}
        listed = {p["name"] for p in api(legal).get(BASE, query).json()["results"]}
        assert shown == listed, query
