"""The `sirkel` console script: Django's management commands with Sirkel's settings preset."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sirkel.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["sirkel", *sys.argv[1:]])
    except ImproperlyConfigured as exc:
        # A configuration mistake gets one plain line, not a traceback.
        print(f"sirkel: configuration error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
