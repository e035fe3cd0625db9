"""Dataset and training-mix workflows, license overrides, CSV import and overdue reviews."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from core.errors import ApplicationError, ConflictError, InvalidInput
from core.models import Notification
from core.public import SYSTEM
from core.selectors import audit_history
from governance import selectors
from governance.datasets import imports as dataset_imports
from governance.datasets import reviews as dataset_reviews
from governance.datasets import services as dataset_services
from governance.licenses import services as license_services
from governance.mixes import reviews as mix_reviews
from governance.mixes import services as mix_services
from governance.models import Dataset, License, ReviewStatus, TrainingMix
from governance.reference_data import license_catalog_load
from tests.governance.factories import DatasetFactory, MixComponentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("license_catalog")]


def test_catalog_is_there_after_migrate_and_seeding_is_idempotent():
    assert License.objects.count() > 2000
    cc = License.objects.get(spdx_id="CC-BY-NC-SA-4.0")
    assert cc.curated and cc.use_class == "non_commercial" and cc.share_alike
    assert License.objects.filter(spdx_id="LicenseRef-openai-terms", needs_legal_review=True)
    assert license_catalog_load() == 0


def test_create_normalises_the_expression_stores_the_verdict_and_history(pm):
    dataset = dataset_services.dataset_create(
        actor=pm, name="Dolly", license_expression="cc-by-sa-3.0", languages=["en"]
    )
    assert dataset.license_expression == "CC-BY-SA-3.0"
    assert dataset.status == ReviewStatus.DRAFT
    assert dataset.steward == pm
    assert dataset.commercial_use == "allowed"
    assert dataset.verdict["share_alike"] is True
    event = audit_history(dataset).get()
    assert event.action == "dataset.create" and event.actor == pm
    assert event.changes["license_expression"] == [None, "CC-BY-SA-3.0"]


def test_invalid_expression_saves_nothing_and_names_the_symbol(pm):
    with pytest.raises(InvalidInput) as exc:
        dataset_services.dataset_create(actor=pm, name="Bad", license_expression="MIT AND CC-BY-9")
    assert "CC-BY-9" in exc.value.fields["license_expression"][0]
    assert not Dataset.objects.filter(name="Bad").exists()


def test_duplicate_names_are_refused_case_insensitively(pm):
    dataset_services.dataset_create(actor=pm, name="C4", license_expression="ODC-By-1.0")
    with pytest.raises(InvalidInput):
        dataset_services.dataset_create(actor=pm, name="c4", license_expression="ODC-By-1.0")


def test_annotator_cannot_register_datasets(annotator):
    with pytest.raises(PermissionDenied):
        dataset_services.dataset_create(actor=annotator, name="X", license_expression="MIT")


def test_review_workflow_records_who_when_and_why(pm, legal):
    dataset = dataset_services.dataset_create(
        actor=pm, name="OASST1", license_expression="Apache-2.0"
    )
    dataset_reviews.dataset_submit(actor=pm, dataset=dataset)
    assert Notification.objects.filter(user=legal, title__contains="OASST1").exists()
    with pytest.raises(PermissionDenied):
        dataset_reviews.dataset_approve(actor=pm, dataset=dataset)
    dataset = dataset_reviews.dataset_approve(actor=legal, dataset=dataset, note="Fine.")
    assert dataset.status == ReviewStatus.APPROVED
    assert dataset.reviewer == legal and dataset.reviewed_at is not None
    assert dataset.decision_note == "Fine."
    assert dataset.next_review_date == timezone.localdate() + timedelta(days=365)
    assert [e.action for e in audit_history(dataset)] == [
        "dataset.approve",
        "dataset.submit",
        "dataset.create",
    ]
    assert Notification.objects.filter(user=pm, title__contains="approved").exists()


def test_approve_with_conditions_and_reject_needs_a_note(pm, legal):
    a = DatasetFactory(status=ReviewStatus.IN_REVIEW, steward=pm)
    a = dataset_reviews.dataset_approve(actor=legal, dataset=a, conditions="Evaluation only.")
    assert a.status == ReviewStatus.APPROVED_WITH_CONDITIONS
    assert a.decision_note == "Evaluation only."
    b = DatasetFactory(status=ReviewStatus.IN_REVIEW)
    with pytest.raises(InvalidInput):
        dataset_reviews.dataset_reject(actor=legal, dataset=b, note=" ")
    b = dataset_reviews.dataset_reject(actor=legal, dataset=b, note="NC license.")
    assert b.status == ReviewStatus.REJECTED and b.next_review_date is None


def test_only_datasets_in_review_can_be_decided(legal):
    draft = DatasetFactory()
    with pytest.raises(ConflictError):
        dataset_reviews.dataset_approve(actor=legal, dataset=draft)


def test_changing_the_license_of_an_approved_dataset_sends_it_back_to_draft(pm, legal):
    dataset = DatasetFactory(status=ReviewStatus.APPROVED)
    dataset = dataset_services.dataset_update(
        actor=pm, dataset=dataset, license_expression="CC-BY-NC-4.0"
    )
    assert dataset.status == ReviewStatus.DRAFT
    assert dataset.commercial_use == "not_allowed"
    event = audit_history(dataset).first()
    assert event.changes["status"] == ["approved", "draft"]
    assert "new legal review" in event.note
    # A change that does not affect the verdict keeps the decision.
    other = DatasetFactory(status=ReviewStatus.APPROVED)
    other = dataset_services.dataset_update(actor=pm, dataset=other, intended_use="SFT")
    assert other.status == ReviewStatus.APPROVED


def test_naming_the_generating_model_marks_the_data_model_generated(pm):
    dataset = dataset_services.dataset_create(
        actor=pm, name="Alpaca", license_expression="CC-BY-NC-4.0", generated_by="OpenAI GPT-3.5"
    )
    assert dataset.collection_method == Dataset.CollectionMethod.MODEL_GENERATED
    assert "LicenseRef-openai-terms" in dataset.verdict["licenses"]


def test_license_override_is_recorded_and_refreshes_verdicts(pm, legal):
    dataset = dataset_services.dataset_create(actor=pm, name="Code", license_expression="MIT")
    assert dataset.commercial_use == "allowed"
    mit = License.objects.get(spdx_id="MIT")
    with pytest.raises(PermissionDenied):
        license_services.license_override(
            actor=pm, license=mit, reason="x", needs_legal_review=True
        )
    with pytest.raises(InvalidInput):
        license_services.license_override(
            actor=legal, license=mit, reason="", needs_legal_review=True
        )
    license_services.license_override(
        actor=legal, license=mit, reason="Counsel wants to see MIT data.", needs_legal_review=True
    )
    mit.refresh_from_db()
    assert mit.overridden_by == legal and mit.override_reason == "Counsel wants to see MIT data."
    dataset.refresh_from_db()
    assert dataset.needs_legal_review is True
    assert audit_history(mit).get().changes == {"needs_legal_review": [False, True]}
    # A later re-seed keeps Legal's override.
    license_catalog_load()
    mit.refresh_from_db()
    assert mit.needs_legal_review is True


def test_dataset_in_a_mix_cannot_be_deleted(pm):
    component = MixComponentFactory()
    with pytest.raises(ConflictError):
        dataset_services.dataset_delete(actor=pm, dataset=component.dataset)


CARD = """---
pretty_name: Stack sample
license: other
license_name: The Stack Terms of Use
language: [en]
size_categories: [1K<n<10K]
---
"""


def test_card_import_creates_a_draft_with_review_reasons(pm):
    dataset = dataset_imports.dataset_import_card(
        actor=pm, card=CARD, hub_id="bigcode/the-stack-smol"
    )
    assert dataset.status == ReviewStatus.DRAFT
    assert dataset.license_expression == "LicenseRef-The-Stack-Terms-of-Use"
    assert dataset.needs_legal_review
    assert dataset.size_rows == 1000
    assert dataset.homepage == "https://huggingface.co/datasets/bigcode/the-stack-smol"
    assert "custom license" in dataset.decision_note


def test_card_import_of_garbage_is_a_validation_error(pm):
    with pytest.raises(InvalidInput):
        dataset_imports.dataset_import_card(actor=pm, card="hello")


# --- CSV -------------------------------------------------------------------------------------


def test_csv_round_trip(pm):
    dataset_services.dataset_create(
        actor=pm,
        name="C4",
        license_expression="ODC-By-1.0",
        languages=["en", "de"],
        web_crawled=True,
    )
    text = selectors.datasets_csv_export()
    assert text.splitlines()[0].startswith("name,version,homepage")
    Dataset.objects.all().delete()
    result = dataset_imports.datasets_import_csv(actor=pm, text=text)
    assert result == {"created": 1, "updated": 0}
    c4 = Dataset.objects.get(name="C4")
    assert c4.languages == ["en", "de"] and c4.web_crawled and c4.steward == pm


def test_csv_with_bad_rows_imports_nothing_and_reports_every_bad_line(pm):
    text = (
        "name,license_expression,size_rows,contains_faces\n"
        "Good one,MIT,10,no\n"
        "Bad license,MIT AND FOO-1,5,no\n"
        "Good two,CC0-1.0,7,yes\n"
        ",MIT,1,no\n"
        "Bad size,MIT,lots,maybe\n"
    )
    with pytest.raises(ApplicationError) as exc:
        dataset_imports.datasets_import_csv(actor=pm, text=text)
    rows = exc.value.extra["rows"]
    assert [row["line"] for row in rows] == [3, 5, 6]
    assert "FOO-1" in rows[0]["errors"][0]
    assert rows[1]["errors"] == ["name is required"]
    assert len(rows[2]["errors"]) == 2
    assert Dataset.objects.count() == 0


def test_csv_import_ignores_status(pm):
    dataset_imports.datasets_import_csv(
        actor=pm, text="name,license_expression,status\nX,MIT,approved\n"
    )
    assert Dataset.objects.get(name="X").status == ReviewStatus.DRAFT


# --- overdue reviews -------------------------------------------------------------------------


def test_overdue_reviews_notify_stewards_once(pm, legal):
    past = timezone.localdate() - timedelta(days=1)
    due = DatasetFactory(status=ReviewStatus.APPROVED, steward=pm, next_review_date=past)
    DatasetFactory(status=ReviewStatus.APPROVED, steward=pm, next_review_date=past + timedelta(5))
    orphan = DatasetFactory(status=ReviewStatus.APPROVED, next_review_date=past)
    assert dataset_reviews.datasets_flag_overdue(actor=SYSTEM) == 2
    assert (
        Notification.objects.filter(user=pm, title=f"License review overdue: {due.name}").count()
        == 1
    )
    assert Notification.objects.filter(user=legal, title__contains=orphan.name).exists()
    assert dataset_reviews.datasets_flag_overdue(actor=SYSTEM) == 0
    assert audit_history(due).first().action == "dataset.flag_overdue"


# --- training mixes --------------------------------------------------------------------------


def approved(**kwargs):
    return DatasetFactory(status=ReviewStatus.APPROVED, **kwargs)


def test_mix_workflow_and_blockers(pm, legal):
    a = approved(license_expression="Apache-2.0")
    b = DatasetFactory(status=ReviewStatus.IN_REVIEW, license_expression="MIT", name="GSM8K")
    mix = mix_services.training_mix_create(
        actor=pm,
        name="SFT",
        components=[{"dataset": a, "weight": 2}, {"dataset": b.pk, "weight": 1}],
    )
    assert selectors.training_mix_blockers(mix) == [
        "Training mix 'SFT' has not been submitted for legal review.",
        "Dataset 'GSM8K' in the mix is not approved yet (in legal review).",
    ]
    mix_reviews.training_mix_submit(actor=pm, mix=mix)
    mix.refresh_from_db()
    assert selectors.training_mix_blockers(mix)[0] == "Training mix 'SFT' is awaiting legal review."
    with pytest.raises(ConflictError) as exc:
        mix_reviews.training_mix_approve(actor=legal, mix=mix)
    assert exc.value.extra["blockers"] == [
        "Dataset 'GSM8K' in the mix is not approved yet (in legal review)."
    ]
    dataset_reviews.dataset_approve(actor=legal, dataset=b)
    with pytest.raises(PermissionDenied):
        mix_reviews.training_mix_approve(actor=pm, mix=mix)
    mix = mix_reviews.training_mix_approve(actor=legal, mix=mix, note="OK for SFT.")
    assert mix.status == TrainingMix.Status.APPROVED
    assert mix.reviewer == legal and mix.decision_note == "OK for SFT."
    assert selectors.training_mix_blockers(mix) == []


def test_rejected_dataset_blocks_even_an_approved_mix(legal):
    component = MixComponentFactory(
        mix__status=TrainingMix.Status.APPROVED,
        dataset=DatasetFactory(name="C4", status=ReviewStatus.REJECTED),
    )
    assert selectors.training_mix_blockers(component.mix) == [
        "Dataset 'C4' in the mix is rejected."
    ]


def test_conflicting_mix_cannot_be_approved(pm, legal):
    mix = mix_services.training_mix_create(
        actor=pm,
        name="Conflicted",
        components=[
            {"dataset": approved(license_expression="CC-BY-SA-4.0"), "weight": 1},
            {"dataset": approved(license_expression="GPL-3.0-only"), "weight": 1},
        ],
    )
    mix_reviews.training_mix_submit(actor=pm, mix=mix)
    with pytest.raises(ConflictError, match="Incompatible share-alike"):
        mix_reviews.training_mix_approve(actor=legal, mix=mix)
    mix = mix_reviews.training_mix_reject(actor=legal, mix=mix, note="Copyleft clash.")
    assert (
        selectors.training_mix_blockers(mix)[0]
        == "Training mix 'Conflicted' was rejected by Legal."
    )


def test_changing_an_approved_mix_sends_it_back_to_draft(pm, legal):
    a, b = approved(), approved()
    mix = mix_services.training_mix_create(
        actor=pm, name="M", components=[{"dataset": a, "weight": 1}]
    )
    mix_reviews.training_mix_submit(actor=pm, mix=mix)
    mix_reviews.training_mix_approve(actor=legal, mix=mix)
    mix = mix_services.training_mix_update(
        actor=pm, mix=mix, components=[{"dataset": a, "weight": 1}, {"dataset": b, "weight": 1}]
    )
    assert mix.status == TrainingMix.Status.DRAFT
    assert audit_history(mix).first().changes["status"] == ["approved", "draft"]


def test_mix_component_validation(pm):
    a = approved()
    with pytest.raises(InvalidInput):
        mix_services.training_mix_create(
            actor=pm, name="Z", components=[{"dataset": a, "weight": 0}]
        )
    with pytest.raises(InvalidInput):
        mix_services.training_mix_create(
            actor=pm,
            name="Z",
            components=[{"dataset": a, "weight": 1}, {"dataset": a, "weight": 2}],
        )
    with pytest.raises(InvalidInput):
        mix_services.training_mix_create(actor=pm, name="Z", components=[{"dataset": 999999}])
    assert not TrainingMix.objects.filter(name="Z").exists()


def test_empty_mix_cannot_be_submitted(pm):
    mix = mix_services.training_mix_create(actor=pm, name="Empty")
    with pytest.raises(ApplicationError):
        mix_reviews.training_mix_submit(actor=pm, mix=mix)
    assert selectors.training_mix_blockers(mix)[1] == "Training mix 'Empty' has no datasets."


def test_training_mix_list_for_pickers():
    MixComponentFactory(mix__name="B mix")
    MixComponentFactory(mix__name="A mix")
    assert [(m.name, m.status) for m in selectors.training_mix_list()] == [
        ("A mix", "draft"),
        ("B mix", "draft"),
    ]


def test_csv_export_defuses_formulas_and_import_restores_them(pm):
    dataset_services.dataset_create(actor=pm, name="=HYPERLINK(1)", license_expression="MIT")
    text = selectors.datasets_csv_export()
    assert "\n'=HYPERLINK(1)," in text
    Dataset.objects.all().delete()
    dataset_imports.datasets_import_csv(actor=pm, text=text)
    assert Dataset.objects.get().name == "=HYPERLINK(1)"


def test_csv_bad_row_with_a_quoted_newline_is_reported_at_its_first_line(pm):
    text = (
        "name,license_expression,intended_use\n"
        'Spans lines,NOPE-1,"first line\nsecond line"\n'
        "Good,MIT,x\n"
        "\n"
        "Bad,NOPE-2,x,extra\n"
    )
    with pytest.raises(ApplicationError) as exc:
        dataset_imports.datasets_import_csv(actor=pm, text=text)
    assert [row["line"] for row in exc.value.extra["rows"]] == [2, 6]


def test_an_approved_mix_is_blocked_again_when_a_dataset_licence_changes(pm, legal):
    dataset = approved(license_expression="CC-BY-4.0", name="Wiki")
    mix = mix_services.training_mix_create(
        actor=pm, name="SFT", components=[{"dataset": dataset, "weight": 1}]
    )
    mix_reviews.training_mix_submit(actor=pm, mix=mix)
    mix = mix_reviews.training_mix_approve(actor=legal, mix=mix)
    assert selectors.training_mix_blockers(mix) == []
    # The terms Legal approved no longer hold: the dataset goes back to draft.
    dataset_services.dataset_update(actor=pm, dataset=dataset, license_expression="CC-BY-NC-4.0")
    mix.refresh_from_db()
    assert selectors.training_mix_blockers(mix) == [
        "Dataset 'Wiki' in the mix is not approved yet (draft)."
    ]
