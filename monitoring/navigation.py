"""This app's entry in the main navigation (collected by `core.navigation`)."""

from django.utils.translation import gettext_lazy as _

from core.public import NavEntry
from monitoring.permissions import ACCESS

ENTRIES = [NavEntry(_("Monitoring"), "monitoring:index", "monitoring", ACCESS, "view", order=40)]
