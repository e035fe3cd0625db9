"""What other apps may use of the dataset inventory and training mixes: small records and
functions, never querysets of this app's models. The planner picks a project's mix and gates
its fine-tune on the mix's verdict through these."""

from __future__ import annotations

from governance import selectors
from governance.models import TrainingMix

__all__ = [
    "demo_training_mix_id",
    "training_mix_blockers",
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


def demo_training_mix_id() -> int | None:
    """The demo data's training mix (after `setup_demo`), for other apps' demo data."""
    from governance.demo import DEMO_MIX

    return training_mix_id_by_name(DEMO_MIX)
