"""`sirkel generate --cases N --seed S`: build a synthetic national data set."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sirkel.demo.generate import generate


class Command(BaseCommand):
    help = (
        "Generate synthetic services, staff and cases for benchmarks and load tests (same seed, same data)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["cases"] < 1:
            raise CommandError("--cases must be at least 1")
        if settings.PRODUCTION:
            # Synthetic staff share one known password (for load tests): never in a real database.
            raise CommandError("sirkel generate refuses to run with SIRKEL_ENV=production")
        start = time.monotonic()
        try:
            result = generate(cases=options["cases"], seed=options["seed"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Generated {result.cases} cases in {result.services} services with {result.users} staff "
            f"in {time.monotonic() - start:.1f} s."
        )
