"""Quality of the matchmaking, measured on a labelled set of partner-search needs.

A set is a JSON Lines file, one need per line:

    {"id": "n01", "split": "dev", "lang": "en", "text": "A CDMO for sterile injectables",
     "filters": {"type": ["company"], "province": ["MB"], "area": ["oncology"]},   (optional)
     "relevant": {"cordenpharma": 3, "patheon-monza": 3, "ibsa": 2}}

Grades run from 1 (partly relevant) to 3 (the partner to call); organisations not listed
count 0. Two figures per system, at a cut-off of 10:

- nDCG@10: discounted cumulative gain with gain 2^grade - 1, divided by the ideal ordering's;
- recall@10: the share of the relevant organisations (grade >= 1) found in the first 10.

The baseline is plain BM25 (bm25s) over the same organisation texts, with the same hard
filters, and no vocabulary, stems, typo repair or evidence.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

CUTOFF = 10


class EvaluationSetError(ValueError):
    """The labelled set cannot be read; the message gives the line and the problem."""


@dataclass
class LabelledNeed:
    id: str
    text: str
    relevant: dict[str, int]
    split: str = ""
    lang: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)


def read_set(path: Path) -> list[LabelledNeed]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise EvaluationSetError(f"{path}: cannot read the file ({error})") from None
    needs = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise EvaluationSetError(f"line {number}: not valid JSON ({error.msg})") from None
        if not isinstance(row, dict) or not isinstance(row.get("text"), str) or not isinstance(row.get("relevant"), dict):
            raise EvaluationSetError(f"line {number}: each line needs a 'text' (string) and 'relevant' (object)")
        grades = row["relevant"]
        if not grades or not all(isinstance(g, int) and 0 <= g <= 3 for g in grades.values()):
            raise EvaluationSetError(f"line {number}: 'relevant' maps organisation keys to grades 0 to 3")
        filters = row.get("filters") or {}
        if not isinstance(filters, dict) or not all(isinstance(v, list) for v in filters.values()):
            raise EvaluationSetError(f"line {number}: 'filters' maps 'type', 'province', 'area' to lists")
        needs.append(LabelledNeed(str(row.get("id", number)), row["text"], grades, str(row.get("split", "")), str(row.get("lang", "")), filters))
    if not needs:
        raise EvaluationSetError(f"{path}: no needs in the file")
    return needs


def dcg(grades: list[int]) -> float:
    return sum((2**g - 1) / math.log2(rank + 2) for rank, g in enumerate(grades[:CUTOFF]))


def ndcg(ranked: list[str], relevant: dict[str, int]) -> float:
    ideal = dcg(sorted(relevant.values(), reverse=True))
    return dcg([relevant.get(key, 0) for key in ranked]) / ideal if ideal else 0.0


def recall(ranked: list[str], relevant: dict[str, int]) -> float:
    wanted = {key for key, grade in relevant.items() if grade > 0}
    return len(wanted & set(ranked[:CUTOFF])) / len(wanted) if wanted else 0.0


@dataclass
class Scores:
    ndcg: float
    recall: float
    n: int


@dataclass
class Report:
    """Mean figures per system and split, and per-need figures for reading the misses."""

    systems: dict[str, dict[str, Scores]]  # system -> split ("all", "dev", "heldout") -> Scores
    per_need: list[dict]

    def as_dict(self) -> dict:
        return {
            "cutoff": CUTOFF,
            "systems": {s: {k: vars(v) for k, v in splits.items()} for s, splits in self.systems.items()},
            "needs": self.per_need,
        }


def run(needs: list[LabelledNeed]) -> Report:
    """Evaluate the matchmaking and the baseline on the registry as it is."""
    from lshub.registry.models import Organisation

    from . import index as partnering_index
    from .index import BaselineIndex
    from .match import MatchRequest, match

    system_index = partnering_index.current()
    baseline = BaselineIndex(partnering_index.records_from_registry())
    slugs = dict(Organisation.objects.values_list("id", "slug"))
    per_need = []
    for need in needs:
        request = MatchRequest(
            text=need.text,
            types=need.filters.get("type", []),
            provinces=need.filters.get("province", []),
            areas=need.filters.get("area", []),
            limit=CUTOFF,
        )
        system = [c.organisation.slug for c in match(request, index=system_index).candidates]
        allowed = _allowed_ids(request)
        plain = [slugs[pk] for pk, _score in baseline.top(need.text, CUTOFF, allowed)]
        per_need.append(
            {
                "id": need.id,
                "split": need.split,
                "lang": need.lang,
                "text": need.text,
                "system": {"ndcg": ndcg(system, need.relevant), "recall": recall(system, need.relevant), "top": system},
                "baseline": {"ndcg": ndcg(plain, need.relevant), "recall": recall(plain, need.relevant), "top": plain},
            }
        )
    return Report(_means(per_need), per_need)


def _allowed_ids(request) -> set[int] | None:
    from .match import _allowed

    request.validate()
    return _allowed(request)


def _means(per_need: list[dict]) -> dict[str, dict[str, Scores]]:
    splits = {"all": per_need}
    for row in per_need:
        if row["split"]:
            splits.setdefault(row["split"], []).append(row)
    means = {}
    for system in ("system", "baseline"):
        means[system] = {
            name: Scores(
                ndcg=sum(r[system]["ndcg"] for r in rows) / len(rows),
                recall=sum(r[system]["recall"] for r in rows) / len(rows),
                n=len(rows),
            )
            for name, rows in splits.items()
        }
    return means
