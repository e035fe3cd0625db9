"""Forms for the policy pages (the services do the validation that matters)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import User

from governance.policies import selectors


class PolicySettingsForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    approvers = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        help_text="Legal users who may approve; leave empty for anyone in Legal.",
    )
    review_cadence_days = forms.IntegerField(min_value=1, label="Review every (days)")
    next_review_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = selectors.owner_candidates()
        self.fields["approvers"].queryset = selectors.approver_candidates()
