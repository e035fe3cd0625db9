"""`manage.py create_api_token NAME`: issue a bearer token for a user; prints it last."""

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from core.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for user NAME. The token is printed once, as the last line."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The user the token acts as")
        parser.add_argument("--label", default="", help="What the token is for")
        parser.add_argument("--expires-days", type=int, default=None)

    def handle(self, *args, name, label, expires_days, **options):
        try:
            user = User.objects.get(username=name)
        except User.DoesNotExist:
            raise CommandError(
                f"No user named {name!r}. Create one first: "
                f"manage.py add_user {name} --role Pipeline"
            ) from None
        try:
            token, raw = api_token_create(
                user=user, name=label or f"{name} token", expires_in_days=expires_days
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        expiry = token.expires_at.isoformat() if token.expires_at else "never"
        self.stdout.write(f"Token {token.prefix} for {user.username}; expires: {expiry}")
        self.stdout.write(raw)
