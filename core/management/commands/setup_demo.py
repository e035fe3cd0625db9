"""`manage.py setup_demo`: role groups, one demo user per role, and each app's demo data.

Idempotent: a second run creates nothing new. The passwords of the users it creates are
written to `var/demo-users.txt`, readable by the current user only, for `serve` to show.
"""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import transaction

from core.registry import steward_modules
from core.roles import Role
from core.services import roles_ensure, user_create_or_update

DEMO_USERS_FILE = "demo-users.txt"

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
        users_file = Path(settings.VAR_DIR) / DEMO_USERS_FILE
        if created_lines:
            header = f"  {'user':<10} {'role':<10} password"
            text = "\n".join([header.strip(), *(line.strip() for line in created_lines)]) + "\n"
            # Created with owner-only permissions before anything is written into it.
            fd = os.open(users_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(text)
            os.chmod(users_file, 0o600)
            self.stdout.write("")
            self.stdout.write(f"Demo users (also written to {users_file}):")
            self.stdout.write(header)
            for line in created_lines:
                self.stdout.write(line)
            self.stdout.write("")
        elif users_file.exists():
            self.stdout.write(f"Demo users already exist; their passwords are in {users_file}.")
        else:
            self.stdout.write(
                "Demo users already exist; their passwords were printed on the first run."
            )
