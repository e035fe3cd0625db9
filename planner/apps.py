"""Planner: LLM projects, kickoff roadmaps, checklists and cost estimates."""

from django.apps import AppConfig


class PlannerConfig(AppConfig):
    name = "planner"
