"""Governance: dataset license inventory, training mixes and red-line policies."""

from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
