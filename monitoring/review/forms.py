"""Forms for the rules PMs and Legal configure: sampling and alerting (the checks live in
`services.rules`, which the views call with the cleaned values)."""

from django import forms

from monitoring.review.models import AlertRule, SamplingRule
from monitoring.review.services.rules import ALERT_RULE_FIELDS, SAMPLING_RULE_FIELDS


class SamplingRuleForm(forms.ModelForm):
    class Meta:
        model = SamplingRule
        fields = SAMPLING_RULE_FIELDS


class AlertRuleForm(forms.ModelForm):
    webhook_url = forms.URLField(
        required=False, assume_scheme="https", help_text="Optional: POSTed JSON on fire/recover"
    )

    class Meta:
        model = AlertRule
        fields = ALERT_RULE_FIELDS
