"""Red-line content policies: versioned, reviewed, compiled into the Llama Guard taxonomy."""

from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "governance.policies"
    label = "policies"
    verbose_name = "Red-line policies"
