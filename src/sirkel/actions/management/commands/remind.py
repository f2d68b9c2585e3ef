"""`sirkel remind`: e-mail reminders about actions due soon or overdue, follow-ups not scheduled and
measure plans whose evaluation is overdue.

Meant for cron, once a day or more often: items already sent today are not sent again.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import formats

from sirkel.actions import reminders


def _item_line(item: reminders.Item) -> str:
    due = formats.date_format(item.due_on, "SHORT_DATE_FORMAT") if item.due_on else ""
    flag = " (overdue)" if item.overdue else ""
    return f"    - [{item.key}] {item.child}: {item.text}{f' – {due}' if due else ''}{flag}"


class Command(BaseCommand):
    help = (
        "E-mail owners of actions due soon or overdue, and caseworkers of follow-ups not scheduled and of "
        "measure plans whose evaluation is overdue."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be sent (recipient, items); send nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run: bool = options["dry_run"]
        result = reminders.send(dry_run=dry_run)
        plan = result.plan
        if dry_run:
            for recipient in plan.recipients:
                self.stdout.write(f"Would send to {recipient.email} ({recipient.key}, {recipient.name}):")
                for item in recipient.items:
                    self.stdout.write(_item_line(item))
            for skipped in plan.skipped:
                self.stdout.write(f"Skipped {skipped.name} ({skipped.key}): {skipped.reason}")
                for item in skipped.items:
                    self.stdout.write(_item_line(item))
            self.stdout.write(
                f"Dry run: {len(plan.recipients)} e-mails would be sent, {len(plan.skipped)} recipients "
                f"skipped, {plan.already_sent} items already sent today. Nothing was sent."
            )
            return
        self.stdout.write(
            f"Sent {result.sent} e-mails ({result.items_sent} items); {len(plan.skipped)} recipients "
            f"skipped; {plan.already_sent} items already sent today."
        )
        for skipped in plan.skipped:
            self.stdout.write(f"Skipped {skipped.key}: {skipped.reason}")
        if result.failed:
            self.stderr.write(f"Could not send to: {', '.join(result.failed)} (will retry on the next run)")
