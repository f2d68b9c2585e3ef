"""`sirkel api token --user USER [--name NAME] [--days N] [--read-only]`: a personal access token for an
operator to hand to an integration. The token is printed alone on the last line of standard output."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sirkel.accounts.models import User
from sirkel.accounts.tokens import DEFAULT_DAYS, MAX_DAYS, create_token


class Command(BaseCommand):
    help = "REST API administration: create a personal access token for a user."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, parser_class=argparse.ArgumentParser)
        token = sub.add_parser(
            "token", help="Create a token that acts as USER (printed once, on the last line)."
        )
        token.add_argument("--user", required=True, help="The user name the token acts as.")
        token.add_argument("--name", default="", help="What the token is for (default: 'cli').")
        token.add_argument(
            "--days",
            type=int,
            default=DEFAULT_DAYS,
            help=f"Days it lasts, 1–{MAX_DAYS} (default {DEFAULT_DAYS}).",
        )
        token.add_argument("--read-only", action="store_true", help="The token may only read.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no user named {options['user']!r}")
        try:
            token, secret = create_token(
                user=user, name=options["name"] or "cli", days=options["days"], read_only=options["read_only"]
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        scope = "read-only" if token.read_only else "read-write"
        self.stderr.write(
            f"Token {token.name!r} ({scope}) for {user.get_username()}, expires {token.expires_at:%Y-%m-%d}. "
            "It is shown only this once."
        )
        self.stdout.write(secret)
