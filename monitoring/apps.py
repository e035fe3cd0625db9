"""Monitoring: output ingestion, Llama Guard scans, the human-review queue and dashboards."""

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
