"""`manage.py add_user NAME --role ROLE [--password PW] [--email E]`: create or update a user."""

import secrets

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from core.roles import Role, parse_role
from core.services import user_create_or_update


class Command(BaseCommand):
    help = "Create a user with one role (or change an existing user's role and password)."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--role", required=True, help=", ".join(r.value for r in Role))
        parser.add_argument("--password", help="Omit to generate one (printed once)")
        parser.add_argument("--email", default="")

    def handle(self, *args, name, role, password, email, **options):
        try:
            parsed = parse_role(role)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        generated = None
        if password is None and parsed != Role.PIPELINE:
            generated = password = secrets.token_urlsafe(12)
        try:
            user, created = user_create_or_update(
                username=name, role=parsed, password=password, email=email
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} user {user.username} with role {parsed.value}.")
        if generated:
            self.stdout.write(f"Password: {generated}")
