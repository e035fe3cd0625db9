"""The human-review queue: sampling, leased claims, labels, agreement, dashboards, alerts."""

from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "monitoring.review"
    label = "review"
    verbose_name = "Human review"

    def ready(self) -> None:
        # The review queue sits above monitoring: monitoring tells it about stored outputs and
        # scans through these hooks and never imports it.
        from monitoring.public import (
            outputs_hooks_register,
            review_states_provider_register,
            scan_hooks_register,
        )
        from monitoring.review.selectors import review_states
        from monitoring.review.services.routing import outputs_sample, scans_route

        outputs_hooks_register(outputs_sample)
        scan_hooks_register(scans_route)
        review_states_provider_register(review_states)
