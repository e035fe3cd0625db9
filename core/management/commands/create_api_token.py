"""`manage.py create_api_token NAME`: issue a bearer token for a user; prints it last."""

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from core.actors import SYSTEM
from core.errors import ApplicationError
from core.services import api_token_create
from core.tokens import ALL_SCOPES


class Command(BaseCommand):
    help = "Create an API token for user NAME. The token is printed once, as the last line."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The user the token acts as")
        parser.add_argument("--label", default="", help="What the token is for")
        parser.add_argument(
            "--expires-days",
            type=int,
            default=None,
            help="Days until it expires (default: API_TOKEN_DEFAULT_EXPIRY_DAYS)",
        )
        parser.add_argument("--never-expires", action="store_true")
        parser.add_argument(
            "--scopes",
            default=",".join(ALL_SCOPES),
            help=f"Comma-separated, from {', '.join(ALL_SCOPES)} (default: all)",
        )

    def handle(self, *args, name, label, expires_days, never_expires, scopes, **options):
        try:
            user = User.objects.get(username=name)
        except User.DoesNotExist:
            raise CommandError(
                f"No user named {name!r}. Create one first: "
                f"manage.py add_user {name} --role Pipeline"
            ) from None
        try:
            lifetime: dict[str, int | None] = {}
            if never_expires:
                lifetime["expires_in_days"] = None
            elif expires_days is not None:
                lifetime["expires_in_days"] = expires_days
            token, raw = api_token_create(
                user=user,
                name=label or f"{name} token",
                scopes=[scope.strip() for scope in scopes.split(",") if scope.strip()],
                actor=SYSTEM,
                **lifetime,
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        expiry = token.expires_at.isoformat() if token.expires_at else "never"
        self.stdout.write(
            f"Token {token.prefix} for {user.username}; scopes: {', '.join(token.scopes)}; "
            f"expires: {expiry}"
        )
        self.stdout.write(raw)
