"""The human-review queue: sampling, leased claims, labels, agreement, dashboards, alerts."""

from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "monitoring.review"
    label = "review"
    verbose_name = "Human review"
