"""This app's entry in the main navigation (collected by `core.navigation`)."""

from django.utils.translation import gettext_lazy as _

from core.public import NavEntry
from planner.permissions import ACCESS

ENTRIES = [NavEntry(_("Planner"), "planner:index", "planner", ACCESS, "view", order=30)]
