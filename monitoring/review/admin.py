"""Admin for sampling and alert rules (the staff-side configuration of the queue)."""

from django.contrib import admin

from monitoring.review.models import AlertRule, SamplingRule


@admin.register(SamplingRule)
class SamplingRuleAdmin(admin.ModelAdmin):
    list_display = ["project", "model", "random_rate", "daily_cap", "double_review_rate", "enabled"]
    list_filter = ["enabled"]
    search_fields = ["project", "model"]


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "project", "threshold", "window_minutes", "enabled"]
    list_filter = ["kind", "enabled"]
    search_fields = ["name", "project"]
