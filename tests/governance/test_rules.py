"""One home per rule: name uniqueness ignoring case, the weight rule and license expressions,
the same at the service, the form and the API."""

import pytest

from core.public import InvalidInput
from governance.api.serializers import DatasetSerializer
from governance.datasets import services as dataset_services
from governance.datasets.dataset_csv import EXPORT_COLUMNS
from governance.datasets.fields import DATASET_FIELDS
from governance.forms import DatasetForm
from governance.mixes import services as mix_services
from governance.mixes.weights import WeightInvalid, mix_weight_clean
from governance.models import Dataset, TrainingMix
from tests.governance.factories import DatasetFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("license_catalog")]


def test_a_dataset_name_clash_ignoring_case_is_a_name_error_from_the_database(pm):
    dataset_services.dataset_create(actor=pm, name="C4", license_expression="MIT")
    other = dataset_services.dataset_create(actor=pm, name="C4 en", license_expression="MIT")
    with pytest.raises(InvalidInput) as exc:
        dataset_services.dataset_create(actor=pm, name="c4", license_expression="MIT")
    assert exc.value.fields == {"name": ["A dataset named 'c4' already exists."]}
    with pytest.raises(InvalidInput) as exc:
        dataset_services.dataset_update(actor=pm, dataset=other, name="C4")
    assert "name" in exc.value.fields
    assert sorted(Dataset.objects.values_list("name", flat=True)) == ["C4", "C4 en"]


def test_the_api_answers_a_name_clash_with_a_400_naming_the_field(api, pm):
    DatasetFactory(name="C4")
    response = api(pm).post("/api/v1/datasets/", {"name": "c4", "license_expression": "MIT"})
    assert response.status_code == 400
    assert response.json()["fields"] == {"name": ["A dataset named 'c4' already exists."]}
    mix_services.training_mix_create(actor=pm, name="SFT")
    response = api(pm).post("/api/v1/training-mixes/", {"name": "sft"}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"name": ["A training mix named 'sft' already exists."]}
    assert TrainingMix.objects.count() == 1


def test_the_form_shows_a_name_clash_on_the_name_field(client_as, pm):
    DatasetFactory(name="C4")
    response = client_as(pm).post(
        "/governance/datasets/new/",
        {"name": "c4", "license_expression": "MIT", "collection_method": "licensed"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["name"] == ["A dataset named 'c4' already exists."]


@pytest.mark.parametrize("value", [0, -1, "0", float("nan"), float("inf"), "x", None])
def test_the_weight_rule_refuses_what_is_not_a_positive_number(value):
    with pytest.raises(WeightInvalid):
        mix_weight_clean(value)


def test_the_api_applies_the_weight_rule_zero_included(api, pm):
    # The serializer used to accept 0 (min_value=0.0) where the service refused it.
    dataset = DatasetFactory()
    response = api(pm).post(
        "/api/v1/training-mixes/",
        {"name": "M", "components": [{"dataset": dataset.pk, "weight": 0}]},
        format="json",
    )
    assert response.status_code == 400
    assert "greater than zero" in str(response.json()["fields"])
    assert not TrainingMix.objects.exists()


def test_an_invalid_expression_is_one_message_on_the_field_at_every_door(api, client_as, pm):
    response = api(pm).post(
        "/api/v1/datasets/", {"name": "X", "license_expression": "MIT AND FOO-9"}
    )
    assert response.status_code == 400
    assert "FOO-9" in response.json()["fields"]["license_expression"][0]
    page = client_as(pm).post(
        "/governance/datasets/new/",
        {"name": "X", "license_expression": "MIT AND FOO-9", "collection_method": "licensed"},
    )
    assert "FOO-9" in page.context["form"].errors["license_expression"][0]


def test_the_dataset_field_list_is_defined_once():
    assert tuple(DatasetForm.Meta.fields) == DATASET_FIELDS
    assert set(DATASET_FIELDS) <= set(DatasetSerializer.Meta.fields)
    assert set(DATASET_FIELDS) <= set(EXPORT_COLUMNS)
