"""Reference rows that migrations seed: the license catalog."""

from governance.catalog import catalog_seed
from governance.models import License


def ensure() -> None:
    """Re-seed the catalog if it is gone (e.g. a test flushed the database)."""
    if not License.objects.filter(curated=True).exists():
        catalog_seed()
