"""Forms for the rules PMs and Legal configure: sampling and alerting."""

from django import forms

from monitoring.review.models import AlertRule, SamplingRule


class SamplingRuleForm(forms.ModelForm):
    class Meta:
        model = SamplingRule
        fields = [
            "project",
            "model",
            "random_rate",
            "daily_cap",
            "low_confidence_min",
            "low_confidence_max",
            "double_review_rate",
            "show_guard_verdict",
            "enabled",
        ]

    def clean(self):
        data = super().clean()
        for name in (
            "random_rate",
            "double_review_rate",
            "low_confidence_min",
            "low_confidence_max",
        ):
            value = data.get(name)
            if value is not None and not 0 <= value <= 1:
                self.add_error(name, "Use a value between 0 and 1.")
        low, high = data.get("low_confidence_min"), data.get("low_confidence_max")
        if low is not None and high is not None and low > high:
            self.add_error("low_confidence_max", "The band's upper end is below its lower end.")
        return data


class AlertRuleForm(forms.ModelForm):
    webhook_url = forms.URLField(
        required=False, assume_scheme="https", help_text="Optional: POSTed JSON on fire/recover"
    )

    class Meta:
        model = AlertRule
        fields = [
            "name",
            "kind",
            "project",
            "threshold",
            "window_minutes",
            "notify_in_app",
            "notify_email",
            "webhook_url",
            "enabled",
        ]
