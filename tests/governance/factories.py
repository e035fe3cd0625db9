"""factory_boy factories for governance records."""

import factory

from governance import selectors
from governance.models import Dataset, MixComponent, ReviewStatus, TrainingMix


class DatasetFactory(factory.django.DjangoModelFactory):
    """A dataset with its verdict stored as the services would store it."""

    class Meta:
        model = Dataset
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Dataset {n}")
    hub_id = factory.Sequence(lambda n: f"org/dataset-{n}")
    license_expression = "CC-BY-4.0"
    status = ReviewStatus.DRAFT

    @factory.post_generation
    def verdict_refresh(self, create, extracted, **kwargs):
        verdict = selectors.dataset_verdict(self)
        self.verdict = verdict.as_dict()
        self.commercial_use = verdict.commercial_use
        self.needs_legal_review = verdict.needs_legal_review
        if create:
            self.save()


class TrainingMixFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingMix

    name = factory.Sequence(lambda n: f"Mix {n}")


class MixComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MixComponent

    mix = factory.SubFactory(TrainingMixFactory)
    dataset = factory.SubFactory(DatasetFactory)
    weight = 1.0
