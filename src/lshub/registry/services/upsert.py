"""Create-or-fill writes that never overwrite what is already there."""

from __future__ import annotations

from django.db import models


def fill(model: type[models.Model], lookup: dict, values: dict, reason: str) -> tuple[models.Model, bool]:
    """Get the row matching `lookup` or create it with `values`.

    An existing row only gets its *blank* fields filled: a value someone curated is never
    replaced by an import. Saves (and history entries) happen only when something changes,
    so running the same load twice changes nothing. Returns (row, changed).
    """
    row = model.objects.filter(**lookup).first()
    if row is None:
        row = model(**lookup, **values)
        row._change_reason = reason
        row.save()
        return row, True
    missing = {
        name: value
        for name, value in values.items()
        if value not in (None, "") and getattr(row, name) in (None, "")
    }
    if not missing:
        return row, False
    for name, value in missing.items():
        setattr(row, name, value)
    row._change_reason = reason
    row.save()
    return row, True
