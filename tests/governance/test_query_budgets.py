"""Query budgets: every governance list page, dashboard card provider and API list runs as
many queries for 50 rows as for 2."""

from datetime import timedelta
from itertools import count

import pytest
from django.utils import timezone

from core.public import Role
from governance.dashboard import cards
from governance.models import License, MixComponent, ReviewStatus, TrainingMix
from tests.governance.factories import DatasetFactory
from tests.query_budget import assert_flat_queries

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("license_catalog")]

_serial = count()
LICENSES = ["MIT", "CC-BY-SA-4.0", "CC-BY-NC-4.0", "Apache-2.0 OR GPL-3.0-only", "ODC-By-1.0"]


@pytest.fixture
def steward(make_user):
    return make_user(Role.PM)


def _datasets(n, steward, **fields):
    for _ in range(n):
        index = next(_serial)
        DatasetFactory(
            name=f"Set {index}",
            license_expression=LICENSES[index % len(LICENSES)],
            steward=steward,
            reviewer=steward,
            generated_by="OpenAI GPT-4" if index % 3 == 0 else "",
            **fields,
        )


def _mixes(n, steward, status=TrainingMix.Status.DRAFT):
    for _ in range(n):
        index = next(_serial)
        mix = TrainingMix.objects.create(name=f"Mix {index}", status=status, reviewer=steward)
        for offset in range(2):
            dataset = DatasetFactory(
                name=f"Part {index}-{offset}",
                license_expression=LICENSES[(index + offset) % len(LICENSES)],
                status=ReviewStatus.APPROVED,
                languages=["en"],
            )
            MixComponent.objects.create(mix=mix, dataset=dataset, weight=offset + 1)


def _licenses(n):
    License.objects.bulk_create(
        [
            License(spdx_id=f"LicenseRef-budget-{i}", key=f"licenseref-budget-{i}", curated=True)
            for i in (next(_serial) for _ in range(n))
        ]
    )


def _get(client, url, **headers):
    def fetch():
        response = client.get(url, **headers)
        assert response.status_code == 200, response.content[:500]
        return response

    return fetch


# --- pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/governance/datasets/", "/governance/datasets/?sort=-steward__username&q=Set"]
)
def test_dataset_list_page(client_as, legal, steward, url):
    assert_flat_queries(_get(client_as(legal), url), lambda n: _datasets(n, steward))


def test_dataset_list_partial(client_as, legal, steward):
    fetch = _get(
        client_as(legal),
        "/governance/datasets/?status=draft",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="results",
    )
    assert_flat_queries(fetch, lambda n: _datasets(n, steward))


def test_dataset_csv_export(client_as, legal, steward):
    assert_flat_queries(
        _get(client_as(legal), "/governance/datasets/export.csv"),
        lambda n: _datasets(n, steward),
    )


def test_license_list_page(client_as, legal):
    assert_flat_queries(_get(client_as(legal), "/governance/licenses/"), _licenses)


def test_mix_list_page(client_as, legal, steward):
    assert_flat_queries(_get(client_as(legal), "/governance/mixes/"), lambda n: _mixes(n, steward))


def test_review_queue_page(client_as, legal, steward):
    past = timezone.localdate() - timedelta(days=3)

    def grow(n):
        _datasets(n, steward, status=ReviewStatus.IN_REVIEW)
        _datasets(n, steward, status=ReviewStatus.APPROVED, next_review_date=past)
        _mixes(n, steward, status=TrainingMix.Status.IN_REVIEW)

    assert_flat_queries(_get(client_as(legal), "/governance/review/"), grow)


def test_governance_landing_page(client_as, legal, steward):
    def grow(n):
        _datasets(n, steward)
        _mixes(n, steward)

    assert_flat_queries(_get(client_as(legal), "/governance/"), grow)


def test_dashboard_cards(legal, steward):
    past = timezone.localdate() - timedelta(days=3)

    def grow(n):
        _datasets(n, steward, status=ReviewStatus.IN_REVIEW)
        _datasets(n, steward, status=ReviewStatus.APPROVED, next_review_date=past)

    assert_flat_queries(lambda: cards(legal), grow)


# --- API lists -------------------------------------------------------------------------------


def test_dataset_api_list(api, legal, steward):
    assert_flat_queries(_get(api(legal), "/api/v1/datasets/"), lambda n: _datasets(n, steward))


def test_license_api_list(api, legal):
    assert_flat_queries(_get(api(legal), "/api/v1/licenses/?curated=true"), _licenses)


def test_training_mix_api_list(api, legal, steward):
    # Approved mixes list their blockers too, from the same batch of verdicts.
    def grow(n):
        _mixes(n // 2, steward)
        _mixes(n - n // 2, steward, TrainingMix.Status.APPROVED)

    assert_flat_queries(_get(api(legal), "/api/v1/training-mixes/"), grow)
