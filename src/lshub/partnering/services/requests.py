"""Requests written as YAML files, for `lshub match REQUEST.yaml`.

    text: A research hospital for a phase I oncology trial
    type: [irccs]            # hard: only these organisation types (a word or a list)
    area: [oncology]         # specialisation codes wanted
    province: MI             # hard: a site in this province (a word or a list)
    region: ITC4             # hard: a site in this NUTS 2 region
    limit: 10
"""

from __future__ import annotations

from pathlib import Path

import yaml
from django.utils.translation import gettext as _

from .match import MatchRequest
from .profiles import InvalidProfile

MAX_FILE_BYTES = 100_000
KEYS = {"text": "text", "type": "types", "types": "types", "area": "areas", "areas": "areas",
        "province": "provinces", "provinces": "provinces", "region": "region", "limit": "limit", "title": None}


class InvalidRequestFile(InvalidProfile):
    """A request file that cannot be read; the message gives the file, line and problem."""


def read(path: Path) -> MatchRequest:
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InvalidRequestFile(_("%(file)s: larger than %(n)d bytes; a request is a few lines") % {"file": path.name, "n": MAX_FILE_BYTES})
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidRequestFile(_("%(file)s: cannot read it (%(error)s)") % {"file": path.name, "error": error}) from None
    return parse(content, path.name)


def parse(content: str, name: str = "request") -> MatchRequest:
    try:
        data = yaml.safe_load(content)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = _(" at line %(line)d, column %(column)d") % {"line": mark.line + 1, "column": mark.column + 1} if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise InvalidRequestFile(_("%(file)s: not valid YAML%(where)s: %(problem)s") % {"file": name, "where": where, "problem": problem}) from None
    if not isinstance(data, dict):
        raise InvalidRequestFile(_("%(file)s: a request is a set of 'key: value' lines, starting with 'text:'") % {"file": name})
    values: dict = {}
    for key, value in data.items():
        if key not in KEYS:
            known = ", ".join(k for k in KEYS if k not in ("types", "areas", "provinces"))
            raise InvalidRequestFile(_("%(file)s: unknown key %(key)r (known: %(known)s)") % {"file": name, "key": str(key), "known": known})
        target = KEYS[key]
        if target is None:
            continue
        values[target] = _value(name, key, target, value)
    return MatchRequest(**values)


def _value(name: str, key: str, target: str, value):
    if target in ("types", "areas", "provinces"):
        if value is None:
            return []
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise InvalidRequestFile(_("%(file)s: %(key)s: a word or a list of words") % {"file": name, "key": key})
        return items
    if target == "limit":
        if not isinstance(value, int) or isinstance(value, bool):
            raise InvalidRequestFile(_("%(file)s: limit: a whole number") % {"file": name})
        return value
    if value is not None and not isinstance(value, str | int | float):
        raise InvalidRequestFile(_("%(file)s: %(key)s: plain text") % {"file": name, "key": key})
    return "" if value is None else str(value)
