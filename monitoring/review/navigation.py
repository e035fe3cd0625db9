"""This app's entry in the main navigation (collected by `core.navigation`)."""

from django.utils.translation import gettext_lazy as _

from core.public import NavEntry
from monitoring.review.permissions import ACCESS

ENTRIES = [NavEntry(_("Review"), "review:queue", "review", ACCESS, "review", order=50)]
