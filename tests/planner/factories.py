"""factory_boy factories for planner records."""

from datetime import date

import factory

from core.roles import Role
from planner.models import Project
from tests.factories import UserFactory


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"Project {n}")
    owner = factory.SubFactory(UserFactory, role=Role.PM)
    start_date = date(2026, 11, 30)
    use_case = "Customer-support answer drafting"
