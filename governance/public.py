"""What other apps may use of the dataset inventory and training mixes: small records and
functions, never querysets of this app's models. The planner picks a project's mix and gates
its fine-tune on the mix's verdict through these."""

from __future__ import annotations

from collections.abc import Iterable

from governance import selectors
from governance.models import TrainingMix

__all__ = [
    "demo_training_mix_id",
    "training_mix_blockers",
    "training_mix_blockers_many",
    "training_mix_choices",
    "training_mix_exists",
    "training_mix_id_by_name",
]


def training_mix_choices() -> list[tuple[int, str]]:
    """(id, name) of every training mix, by name: what a picker offers."""
    return list(TrainingMix.objects.order_by("name").values_list("pk", "name"))


def training_mix_exists(mix_id: int) -> bool:
    return TrainingMix.objects.filter(pk=mix_id).exists()


def training_mix_id_by_name(name: str) -> int | None:
    return TrainingMix.objects.filter(name=name).values_list("pk", flat=True).first()


def training_mix_blockers(mix_id: int) -> list[str]:
    """What keeps the mix from being used for training (empty once it is cleared)."""
    mix = selectors.training_mix_get(mix_id)
    if mix is None:
        return [f"Training mix #{mix_id} no longer exists."]
    return selectors.training_mix_blockers(mix)


def training_mix_blockers_many(mix_ids: Iterable[int]) -> dict[int, list[str]]:
    """`training_mix_blockers` for many mixes at once, in a fixed number of queries; a mix
    that no longer exists says so."""
    from governance.selectors import training_mix_blockers as blockers
    from governance.selectors import training_mix_verdicts

    wanted = set(mix_ids)
    mixes = list(TrainingMix.objects.filter(pk__in=wanted))
    verdicts = training_mix_verdicts(mixes)
    found = {mix.pk: list(blockers(mix, verdict=verdicts[mix.pk])) for mix in mixes}
    missing = {pk: [f"Training mix #{pk} no longer exists."] for pk in wanted - set(found)}
    return found | missing


def demo_training_mix_id() -> int | None:
    """The demo data's training mix (after `setup_demo`), for other apps' demo data."""
    from governance.demo import DEMO_MIX

    return training_mix_id_by_name(DEMO_MIX)
