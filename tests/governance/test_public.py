"""What other apps may use of governance: plain ids, names and sentences."""

import pytest

from governance import public
from tests.governance.factories import MixComponentFactory, TrainingMixFactory

pytestmark = pytest.mark.django_db


def test_mix_choices_lookups_and_blockers():
    b = TrainingMixFactory(name="B mix")
    a = MixComponentFactory(mix__name="A mix").mix
    assert public.training_mix_choices() == [(a.pk, "A mix"), (b.pk, "B mix")]
    assert public.training_mix_exists(a.pk) and not public.training_mix_exists(0)
    assert public.training_mix_id_by_name("B mix") == b.pk
    assert public.training_mix_id_by_name("nope") is None
    assert public.training_mix_blockers(b.pk) == [
        "Training mix 'B mix' has not been submitted for legal review.",
        "Training mix 'B mix' has no datasets.",
    ]
    assert public.training_mix_blockers(0) == ["Training mix #0 no longer exists."]
