"""Home-page cards and the demo data."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from core.dashboard import dashboard_cards
from governance import selectors
from governance.demo import load_demo
from governance.models import Dataset, ReviewStatus, TrainingMix
from tests.governance.factories import DatasetFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("license_catalog")]


def test_cards_for_pm_and_legal_only(pm, legal, annotator):
    DatasetFactory(status=ReviewStatus.IN_REVIEW)
    DatasetFactory(
        status=ReviewStatus.APPROVED, next_review_date=timezone.localdate() - timedelta(days=1)
    )
    for user in (pm, legal):
        cards = {c.title: c for c in dashboard_cards(user) if c.section == "Governance"}
        assert cards["Datasets awaiting legal review"].value == 1
        assert cards["Overdue license reviews"].value == 1
        assert cards["Overdue license reviews"].tone == "bad"
        assert cards["Approved datasets"].value == 1
    assert not [c for c in dashboard_cards(annotator) if c.section == "Governance"]


def test_home_page_shows_the_cards(client_as, legal):
    html = client_as(legal).get("/").content.decode()
    assert "Datasets awaiting legal review" in html


def test_demo_data_is_real_and_idempotent(make_user):
    from core.roles import Role

    make_user(Role.PM)
    make_user(Role.LEGAL)
    out = io.StringIO()
    load_demo(out)
    count = Dataset.objects.count()
    assert count >= 20
    assert Dataset.objects.get(name="C4").license_expression == "ODC-By-1.0"
    alpaca = Dataset.objects.get(name="Stanford Alpaca")
    assert alpaca.commercial_use == "not_allowed" and "OpenAI" in alpaca.generated_by
    assert Dataset.objects.get(name="LAION-5B").contains_faces
    assert Dataset.objects.get(name="Wikipedia (English)").is_approved
    assert selectors.datasets_overdue_review().filter(name="Anthropic HH-RLHF").exists()
    mix = TrainingMix.objects.get()
    assert selectors.training_mix_verdict(mix).conflicts == []
    load_demo(out)
    assert Dataset.objects.count() == count and TrainingMix.objects.count() == 1
