"""factory_boy factories shared by every app's tests."""

import factory
from django.contrib.auth.models import Group, User

from core.roles import Role


class UserFactory(factory.django.DjangoModelFactory):
    """`UserFactory(role=Role.PM)`; the password is always `pw` + username."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or f"pw{self.username}")
        if create:
            self.save()

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if not create or extracted is None:
            return
        role = Role(extracted)
        self.groups.add(Group.objects.get_or_create(name=role.value)[0])
        if role == Role.ADMIN:
            self.is_staff = self.is_superuser = True
            self.save()
