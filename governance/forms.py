"""Forms for the governance pages; the services still validate everything."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import User

from governance.datasets.fields import DATASET_FIELDS
from governance.licenses.services import LICENSE_FACT_FIELDS
from governance.models import Dataset, License


class CommaListField(forms.CharField):
    """A list of short strings typed as `en, de, fr`."""

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return ", ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [item.strip() for item in text.replace(";", ",").split(",") if item.strip()]


class DatasetForm(forms.ModelForm):
    languages = CommaListField(required=False, help_text="Language codes, e.g. en, ko")
    task_categories = CommaListField(required=False, help_text="e.g. text-generation")
    homepage = forms.URLField(required=False, max_length=500, assume_scheme="https")
    license_url = forms.URLField(required=False, max_length=500, assume_scheme="https")
    steward = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("username"), required=False
    )

    class Meta:
        model = Dataset
        fields = list(DATASET_FIELDS)
        widgets = {
            "intended_use": forms.Textarea(attrs={"rows": 2}),
            "next_review_date": forms.DateInput(attrs={"type": "date"}),
            "license_expression": forms.TextInput(
                attrs={"placeholder": "e.g. CC-BY-SA-3.0 OR GFDL-1.3-or-later"}
            ),
        }
        help_texts = {
            "license_expression": "SPDX expression: AND, OR, WITH, LicenseRef-… for custom terms",
        }

    def _get_validation_exclusions(self) -> set[str]:
        # The name's case-insensitive uniqueness is the database's to decide: the service
        # reports a clash on the name field (see governance.unique_names).
        inherited = super()._get_validation_exclusions()  # type: ignore[misc]  # not in django-stubs
        return {*inherited, "name"}


class DecisionForm(forms.Form):
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    conditions = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Approve with conditions: the conditions of use",
    )
    next_review_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class CardImportForm(forms.Form):
    hub_id = forms.CharField(required=False, label="Hub id", help_text="e.g. allenai/c4")
    card = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 12}), label="Dataset card (README.md)"
    )
    card_file = forms.FileField(required=False, label="…or upload README.md")

    def clean(self):
        data = super().clean() or {}
        upload = data.get("card_file")
        if upload:
            try:
                data["card"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                # Decoding with replacement would import a name with "�" in it.
                raise forms.ValidationError(
                    "The file is not UTF-8 text: save it as UTF-8."
                ) from None
        if not (data.get("card") or "").strip():
            raise forms.ValidationError("Paste a dataset card or upload its README.md.")
        return data


class CsvImportForm(forms.Form):
    csv_file = forms.FileField(label="CSV file (the export's columns)")


class LicenseOverrideForm(forms.ModelForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), help_text="Why")

    class Meta:
        model = License
        fields = list(LICENSE_FACT_FIELDS)


class MixForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
