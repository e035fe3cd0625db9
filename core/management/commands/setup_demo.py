"""`manage.py setup_demo`: role groups, one demo user per role, and each app's demo data.

Idempotent: a second run creates nothing new and prints no passwords.
"""

import secrets

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import transaction

from core.registry import steward_modules
from core.roles import Role
from core.services import roles_ensure, user_create_or_update

DEMO_USERS = {
    "pm": Role.PM,
    "legal": Role.LEGAL,
    "annotator": Role.ANNOTATOR,
    "pipeline": Role.PIPELINE,
    "admin": Role.ADMIN,
}


class Command(BaseCommand):
    help = "Create role groups, demo users (passwords printed once) and demo data."

    def handle(self, *args, **options):
        roles_ensure()
        created_lines = []
        for username, role in DEMO_USERS.items():
            if User.objects.filter(username=username).exists():
                continue
            password = secrets.token_urlsafe(9)
            user_create_or_update(
                username=username, role=role, password=password, email=f"{username}@example.com"
            )
            created_lines.append(f"  {username:<10} {role.value:<10} {password}")
        for module in steward_modules("demo"):
            with transaction.atomic():
                module.load_demo(stdout=self.stdout)
        if created_lines:
            self.stdout.write("")
            self.stdout.write("Demo users (shown once; change them in /admin/):")
            self.stdout.write("  user       role       password")
            for line in created_lines:
                self.stdout.write(line)
            self.stdout.write("")
        else:
            self.stdout.write(
                "Demo users already exist; their passwords were printed on the first run."
            )
