"""Optimistic locking: one versioned update and the one error it raises when someone saved in between."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CONFLICT_MESSAGE = _(
    "Someone else saved this while you were editing. Your text is kept below: compare and save again."
)


class ConflictError(Exception):
    """The row changed since the form was opened: nothing was written."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or str(CONFLICT_MESSAGE))

    @property
    def message(self) -> str:
        return str(self.args[0])


def update_versioned(obj: models.Model, *, expected_version: int, fields: Sequence[str]) -> None:
    """Write `fields` of `obj` in one UPDATE … WHERE pk = obj.pk AND version = expected_version.

    On success the row and `obj` carry version expected_version + 1 (and a fresh `updated_at` where the
    model has one). When no row matched, someone saved in between: ConflictError, and nothing is written.
    Values are taken from `obj` as they are; validate before calling.
    """
    model = type(obj)
    names = {f.name for f in model._meta.concrete_fields}
    unknown = [name for name in fields if name not in names or name == "version"]
    if unknown:
        raise ValueError(f"not updatable on {model.__name__}: {sorted(unknown)}")
    values = {name: getattr(obj, name) for name in fields}
    values["version"] = expected_version + 1
    if "updated_at" in names:
        values["updated_at"] = timezone.now()
    rows = model._default_manager.filter(pk=obj.pk, version=expected_version).update(**values)
    if rows == 0:
        raise ConflictError
    for name in ("version", "updated_at"):
        if name in values:
            setattr(obj, name, values[name])
