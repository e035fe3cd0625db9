"""This app's entry in the main navigation (collected by `core.navigation`)."""

from django.utils.translation import gettext_lazy as _

from core.public import NavEntry
from governance.permissions import ACCESS

ENTRIES = [NavEntry(_("Governance"), "governance:index", "governance", ACCESS, "view", order=20)]
