"""The change history of organisations: who changed what, when, and how to undo it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from ..models import Organisation

# Fields of the history rows that are bookkeeping, not organisation data.
_BOOKKEEPING = {"history_id", "history_date", "history_change_reason", "history_type", "history_user", "updated", "id"}


@dataclass
class Change:
    history_id: int
    when: object
    who: str
    kind: str  # created / changed / deleted
    reason: str
    fields: list[tuple[str, object, object]]  # (field, old, new)


_KINDS = {"+": "created", "~": "changed", "-": "deleted"}


def changes(organisation: Organisation) -> list[Change]:
    """The organisation's history, newest first, with the fields each step changed."""
    records = list(organisation.history.all().select_related("history_user"))
    result = []
    for record, previous in zip(records, records[1:] + [None]):
        fields = []
        if previous is not None:
            delta = record.diff_against(previous)
            fields = [(c.field, c.old, c.new) for c in delta.changes if c.field not in _BOOKKEEPING]
        result.append(
            Change(
                history_id=record.history_id,
                when=record.history_date,
                who=record.history_user.get_username() if record.history_user else "",
                kind=_KINDS.get(record.history_type, record.history_type),
                reason=record.history_change_reason or "",
                fields=fields,
            )
        )
    return result


class CannotRevert(ValueError):
    """The history step does not belong to this organisation."""


@transaction.atomic
def revert(organisation: Organisation, history_id: int, user=None) -> Organisation:
    """Put the organisation's fields back as they were at `history_id`.

    The revert is itself a new step in the history, so it can be undone in turn.
    """
    record = organisation.history.filter(history_id=history_id).first()
    if record is None:
        raise CannotRevert(f"history step {history_id} does not belong to {organisation.slug!r}")
    restored = record.instance
    restored.pk = organisation.pk
    restored._change_reason = f"reverted to the version of {record.history_date:%Y-%m-%d %H:%M}"
    if user is not None:
        restored._history_user = user
    restored.save()
    return restored
