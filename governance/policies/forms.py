"""Forms for the policy pages (the services do the validation that matters)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from governance.policies import selectors
from governance.policies.models import POLICY_FIELDS, Policy


class PolicySettingsForm(forms.ModelForm):
    """A policy's own facts: the same field list the API serializer uses."""

    class Meta:
        model = Policy
        fields = POLICY_FIELDS
        labels = {"review_cadence_days": _("Review every (days)")}
        help_texts = {
            "approvers": _("Legal users who may approve; leave empty for anyone in Legal.")
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "next_review_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        approvers = self.fields["approvers"]
        cadence = self.fields["review_cadence_days"]
        assert isinstance(owner, forms.ModelChoiceField)
        assert isinstance(approvers, forms.ModelMultipleChoiceField)
        assert isinstance(cadence, forms.IntegerField)
        owner.queryset = selectors.owner_candidates()
        approvers.queryset = selectors.approver_candidates()
        cadence.min_value = 1
        cadence.widget.attrs["min"] = 1
