"""Quality, measured: precision, recall and F1 of the resolver over a labelled CSV.

The labelled file has columns name, city, country, expected_slug (empty: the string
denotes no organisation of the registry) and, optionally, split (dev/test/holdout/blind)
and origin (where the string comes from).

A prediction is a *link* (a candidate the resolver would link without a person). A link
is correct only if its organisation's key equals expected_slug; a link for a row that
expects none is a false positive; a row expecting an organisation and not linked to it
is a false negative (so a wrong link counts against both precision and recall).
Candidates sent to review are not links: they are counted apart.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from lshub.registry.models import Organisation

from . import features, model
from . import resolve as resolver
from .strings import read_csv

GOLD_COLUMNS = ("name", "expected_slug")


@dataclass
class Scores:
    rows: int = 0
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    reviewed: int = 0
    errors: list[dict] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, expected: str, predicted: str, reviewed: bool, row: dict) -> None:
        self.rows += 1
        self.reviewed += reviewed
        if predicted == expected:
            self.true_positives += bool(predicted)
            return
        if predicted:
            self.false_positives += 1
        if expected:
            self.false_negatives += 1
        self.errors.append({**row, "predicted": predicted, "reviewed": reviewed})


def read_gold(path: Path) -> list[dict]:
    rows = read_csv(path, required=GOLD_COLUMNS)
    known = set(Organisation.objects.values_list("slug", flat=True))
    unknown = sorted({r["expected_slug"] for r in rows if r.get("expected_slug") and r["expected_slug"] not in known})
    if unknown:
        raise resolver.InvalidCandidate(
            _("the labelled file names organisations the registry does not have: %(keys)s") % {"keys": ", ".join(unknown)}
        )
    return rows


def evaluate(rows: list[dict], backend: str = "duckdb") -> dict[str, Scores]:
    """Scores over all rows, per split when the file has one, and per `split/origin`
    when a split mixes origins (affiliation strings and Ministry names fail differently)."""
    results = resolver.resolve(
        [{"name": r["name"], "city": r.get("city") or "", "country": r.get("country") or ""} for r in rows],
        backend=backend,
    )
    slugs = dict(Organisation.objects.values_list("id", "slug"))
    scores: dict[str, Scores] = {"all": Scores()}
    for row, result in zip(rows, results):
        predicted = slugs.get(result.linked_id, "") if result.linked_id else ""
        reviewed = result.decision == resolver.REVIEW
        expected = (row.get("expected_slug") or "").strip()
        for group in _groups(row):
            scores.setdefault(group, Scores()).add(expected, predicted, reviewed, row)
    return _without_lone_origins(scores)


def _groups(row: dict) -> list[str]:
    split, origin = (row.get("split") or "").strip(), (row.get("origin") or "").strip()
    groups = ["all"]
    if split:
        groups.append(split)
        if origin:
            groups.append(f"{split}/{origin}")
    return groups


def _without_lone_origins(scores: dict[str, Scores]) -> dict[str, Scores]:
    """A split of one origin says it twice: its `split/origin` line is dropped."""
    per_split: dict[str, int] = {}
    for group in scores:
        if "/" in group:
            split = group.split("/", 1)[0]
            per_split[split] = per_split.get(split, 0) + 1
    kept = {g: s for g, s in scores.items() if "/" not in g or per_split[g.split("/", 1)[0]] > 1}
    # Each split's line, then its origins' lines under it.
    splits = [g for g in kept if "/" not in g]
    order = {g: (splits.index(g.split("/", 1)[0]), "/" in g, g) for g in kept}
    return dict(sorted(kept.items(), key=lambda item: order[item[0]]))


def write_errors(scores: Scores, path: Path) -> None:
    """The rows the resolver got wrong, for a person to read."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        fields = ["name", "city", "country", "expected_slug", "predicted", "reviewed", "split", "origin"]
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(scores.errors)


def level_frequencies(rows: list[dict], backend: str = "duckdb") -> dict[str, dict[str, list[int]]]:
    """How often each comparison level is reached, among true and false pairs.

    For every labelled row and every organisation, the best-scoring pair of names is
    taken (as the resolver does); its levels are counted under 'match' when the
    organisation is the expected one, else 'non-match'. m and u of a level are its
    share of the match and non-match counts: this is how model.py's values were set,
    from the development rows only.
    """
    registry_rows, organisations = resolver.registry()
    slugs = dict(Organisation.objects.values_list("id", "slug"))
    candidate_rows = []
    for index, row in enumerate(rows):
        candidate = {"name": row["name"], "city": row.get("city") or "", "country": row.get("country") or ""}
        candidate_rows.extend(features.candidate_rows(f"c{index}", candidate))
    pairs = model.score(candidate_rows, registry_rows, organisations, backend, every_pair=True)
    best: dict[tuple[str, str], dict] = {}
    for pair in pairs:
        key = (pair["record_id_l"], pair["record_id_r"])
        if key not in best or pair["match_weight"] > best[key]["match_weight"]:
            best[key] = pair
    counts: dict[str, dict[str, list[int]]] = {}
    for (candidate_id, org_id), pair in best.items():
        expected = (rows[int(candidate_id[1:])].get("expected_slug") or "").strip()
        is_match = slugs.get(int(org_id[1:])) == expected
        for column, _description, _levels in model.COMPARISONS:
            label = model.level_label(column, pair[f"gamma_{column}"])
            counts.setdefault(column, {}).setdefault(label, [0, 0])[0 if is_match else 1] += 1
    return counts
