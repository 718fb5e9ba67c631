"""The partnering index: BM25 (the `bm25s` library) over each organisation's text, with the
field's vocabulary folded in, typo repair on the query, and hard filters as a mask.

Each organisation is one document: its names (counted three times, so a name outweighs a
passing mention), descriptions in both languages, subtype and type labels, specialisation
labels and decree wording in both languages, places, and the conditions and phases of the
clinical trials it runs when trials are loaded. On top of the words, each document holds
*concept tokens* ("@area:oncology", "@concept:phase-1", "@org:int") taken from its
specialisations and from vocabulary phrases in its text; the query gets the same tokens
from its own phrases, so "oncologia" and "oncology" meet on "@area:oncology".

`Record` is the plain data the index is built from: from the registry (`records_from_registry`)
or from anything else (the speed bench builds a million of them in memory).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import bm25s
import numpy as np
from bm25s.tokenization import Tokenized

from . import vocabulary as vocab
from .vocabulary import Vocabulary

NAME_REPEAT = 3  # a word of the name counts as much as three mentions elsewhere
AREA_REPEAT = 2  # a recorded specialisation counts twice, a phrase found in the text once
CONCEPT_QUERY_WEIGHT = 2  # concept tokens of the query weigh twice its words
MAX_TRIAL_CONDITIONS = 60  # per organisation: enough to describe its trials, bounded for big sites
CANDIDATES = 200


@dataclass
class Record:
    """What the index and the matcher need to know about one organisation, as plain data."""

    id: int
    slug: str
    name: str
    type: str
    names: list[str] = field(default_factory=list)  # name, short name, translations, aliases
    texts: list[str] = field(default_factory=list)  # descriptions, labels, wording, places
    areas: dict[str, bool] = field(default_factory=dict)  # specialisation code -> recognised (IRCCS decree)
    trial_texts: list[str] = field(default_factory=list)  # conditions and phases of its trials

    def document(self) -> str:
        return " ".join([*self.names, *self.texts, *self.trial_texts])


@dataclass
class Need:
    """A need as the index understands it."""

    text: str
    words: list[str]  # after typo repair
    tokens: list[str]  # stems used for BM25 (type and place phrases taken out)
    concepts: set[str]  # every concept found
    corrections: list[tuple[str, str]]  # (typed, corrected)

    def of_kind(self, kind: str) -> list[str]:
        return sorted(c.split(":", 1)[1] for c in self.concepts if c.startswith(kind + ":"))

    @property
    def areas(self) -> list[str]:
        return self.of_kind("area")

    @property
    def types(self) -> list[str]:
        return self.of_kind("type")

    @property
    def provinces(self) -> list[str]:
        return self.of_kind("place")

    @property
    def phases(self) -> list[str]:
        return [c.removeprefix("phase-") for c in self.of_kind("concept") if c.startswith("phase-")]

    @property
    def searchable(self) -> bool:
        return bool(self.tokens or self.concepts)


def concept_tokens(concepts: Iterable[str]) -> list[str]:
    return [f"@{c}" for c in concepts if not c.startswith(("type:", "place:", "region:"))]


class PartneringIndex:
    """BM25 over organisation documents with vocabulary concepts; built once, queried often."""

    def __init__(self, records: Iterable[Record], vocabulary: Vocabulary, *, ancestors: dict[str, list[str]] | None = None, keep_records: bool = True):
        self.vocabulary = vocabulary
        self.ancestors = ancestors or {}
        self.ids: list[int] = []
        self.records: list[Record] = []
        self.keep_records = keep_records
        self.area_postings: dict[str, list[int]] = {}
        token_ids: dict[str, int] = {}
        surface: set[str] = set()
        corpus = [self._document_ids(position, record, token_ids, surface) for position, record in enumerate(self._each(records))]
        self.id_array = np.asarray(self.ids, dtype=np.int64)
        self.position = {pk: position for position, pk in enumerate(self.ids)}
        self.bm25 = bm25s.BM25()
        if corpus:
            self.bm25.index(Tokenized(ids=corpus, vocab=token_ids), show_progress=False)
        self.token_ids = token_ids
        self.speller = vocab.Speller(surface | vocabulary.known_words)

    def __len__(self) -> int:
        return len(self.ids)

    def _each(self, records: Iterable[Record]) -> Iterator[Record]:
        for record in records:
            self.ids.append(record.id)
            if self.keep_records:
                self.records.append(record)
            yield record

    def _document_ids(self, position: int, record: Record, token_ids: dict[str, int], surface: set[str]) -> list[int]:
        name_words = [w for name in record.names for w in vocab.words(name)]
        text_words = [w for text in [*record.texts, *record.trial_texts] for w in vocab.words(text)]
        surface.update(name_words)
        surface.update(text_words)
        name_tokens = [vocab.stem(w) for w in name_words]
        text_tokens = [vocab.stem(w) for w in text_words]
        # An acronym names its own organisation only: "HT Genomics" is not HT, and "sol" in
        # a description is not SOL S.p.A.
        found = {c for m in self.vocabulary.find(name_tokens + ["|"] + text_tokens) for c in m.concepts if not c.startswith("org:")}
        if any(vocab.is_acronym(name) for name in record.names):
            found.add(f"org:{record.slug}")
        recorded = set()
        for code in record.areas:
            recorded.add(f"area:{code}")
            recorded.update(f"area:{parent}" for parent in self.ancestors.get(code, ()))
        for concept in recorded:
            self.area_postings.setdefault(concept.removeprefix("area:"), []).append(position)
        document = name_tokens * NAME_REPEAT + text_tokens + concept_tokens(found) + concept_tokens(recorded) * AREA_REPEAT
        ids = []
        for token in document:
            token_id = token_ids.get(token)
            if token_id is None:
                token_id = token_ids[token] = len(token_ids)
            ids.append(token_id)
        return ids

    # -- queries -------------------------------------------------------------------------

    def understand(self, text: str) -> Need:
        """Repair typos, find the vocabulary's phrases, keep the tokens worth searching."""
        typed = vocab.words(text)
        repaired = [self.speller.correct(w) for w in typed]
        corrections = [(a, b) for a, b in zip(typed, repaired, strict=True) if a != b]
        stems = [vocab.stem(w) for w in repaired]
        matches = self.vocabulary.find(stems)
        concepts = {c for m in matches for c in m.concepts}
        # Type and place phrases become filters and preferences, not words to look for:
        # "hospital in Milan" must not rank every description that says "Milan". Trial
        # phrases ("first in human", "fase 1") are looked for as their concept only: their
        # words are everyday words ("first", "human") that would match names by chance.
        structural = {
            i
            for m in matches
            if all(c.startswith(("type:", "place:", "region:", "concept:")) for c in m.concepts)
            for i in range(m.start, m.end)
        }
        tokens = [t for i, t in enumerate(stems) if i not in structural]
        return Need(text=text, words=repaired, tokens=tokens, concepts=concepts, corrections=corrections)

    def query_tokens(self, need: Need) -> list[int]:
        wanted = need.tokens + concept_tokens(need.concepts) * CONCEPT_QUERY_WEIGHT
        return [self.token_ids[t] for t in wanted if t in self.token_ids]

    def scores(self, need: Need, mask: np.ndarray | None = None) -> np.ndarray:
        """BM25 score of every document (0 where nothing matches or the mask excludes it)."""
        ids = self.query_tokens(need)
        if not ids or not len(self):
            return np.zeros(len(self), dtype=np.float32)
        scores = self._sum_postings(ids)
        return scores * mask if mask is not None else scores

    def _sum_postings(self, ids: list[int]) -> np.ndarray:
        """Sum the BM25 weights bm25s stored for each query token, with one bincount.

        bm25s's own summing (np.add.at per token) takes tens of milliseconds for a word
        found in a third of a million documents; bincount over the concatenated postings
        does the same sum in a few. The weights are the library's (lucene BM25, k1 1.5,
        b 0.75); only the adding up is done here. A repeated token counts again.
        """
        matrix = self.bm25.scores
        indptr, indices, data = matrix["indptr"], matrix["indices"], matrix["data"]
        slices = [slice(indptr[i], indptr[i + 1]) for i in ids]
        postings = np.concatenate([indices[s] for s in slices])
        weights = np.concatenate([data[s] for s in slices])
        return np.bincount(postings, weights=weights, minlength=matrix["num_docs"]).astype(np.float32)

    def top(self, need: Need, k: int = CANDIDATES, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(organisation id, BM25 score) of the k best documents, best first."""
        return self.top_of(self.scores(need, mask), k)

    def top_of(self, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
        hits = np.flatnonzero(scores > 0)
        if len(hits) > k:
            hits = hits[np.argpartition(-scores[hits], k - 1)[:k]]
        order = hits[np.argsort(-scores[hits], kind="stable")]
        return [(int(self.id_array[i]), float(scores[i])) for i in order]

    def mask_for(self, organisation_ids: Iterable[int]) -> np.ndarray:
        """1.0 for the documents of these organisations, 0.0 elsewhere (hard filters)."""
        mask = np.zeros(len(self), dtype=np.float32)
        positions = [self.position[pk] for pk in organisation_ids if pk in self.position]
        mask[positions] = 1.0
        return mask

    def with_area(self, codes: Iterable[str]) -> set[int]:
        """Organisations with a recorded specialisation in any of these areas (or a child of one)."""
        return {int(self.id_array[p]) for code in codes for p in self.area_postings.get(code, ())}

    def record(self, organisation_id: int) -> Record | None:
        position = self.position.get(organisation_id)
        return self.records[position] if position is not None and self.records else None


class BaselineIndex:
    """Plain BM25 over the same documents: normalised words, no stems, no vocabulary, no repair.

    The yardstick of the evaluation: what a keyword engine does with the same text.
    """

    def __init__(self, records: Iterable[Record]):
        from lshub.registry.services.text import query_words

        self._words = query_words
        records = list(records)
        self.ids = np.asarray([r.id for r in records], dtype=np.int64)
        self.bm25 = bm25s.BM25()
        self.bm25.index([self._all_words(r.document()) for r in records], show_progress=False)

    def _all_words(self, text: str) -> list[str]:
        from lshub.registry.services.text import STOP_WORDS, normalise

        return [w for w in normalise(text).split() if w not in STOP_WORDS] or [""]

    def top(self, text: str, k: int = 10, allowed: set[int] | None = None) -> list[tuple[int, float]]:
        words = [w for w in self._all_words(text) if w in self.bm25.vocab_dict]
        if not words:
            return []
        scores = self.bm25.get_scores(words)
        if allowed is not None:
            scores = scores * np.isin(self.ids, list(allowed))
        hits = np.flatnonzero(scores > 0)
        order = hits[np.argsort(-scores[hits], kind="stable")][:k]
        return [(int(self.ids[i]), float(scores[i])) for i in order]


# -- the registry's records ---------------------------------------------------------------


def records_from_registry() -> list[Record]:
    """One Record per organisation, read with a handful of bulk queries."""
    from django.utils import translation

    from lshub.registry.choices import OrganisationType
    from lshub.registry.models import Alias, Organisation, OrganisationSpecialisation, Site

    records = {}
    type_labels = {}
    for language in ("en", "it"):
        with translation.override(language):
            for value, label in OrganisationType.choices:
                type_labels.setdefault(value, []).append(str(label))
    columns = ("id", "slug", "name", "short_name", "name_en", "name_it", "type", "subtype", "description_en", "description_it")
    for row in Organisation.objects.values_list(*columns).order_by("id"):
        pk, slug, name, short_name, name_en, name_it, kind, subtype, description_en, description_it = row
        records[pk] = Record(
            id=pk,
            slug=slug,
            name=name,
            type=kind,
            names=[n for n in (name, short_name, name_en, name_it) if n],
            texts=[t for t in (description_en, description_it, subtype.replace("_", " "), *type_labels.get(kind, [])) if t],
        )
    for pk, alias in Alias.objects.values_list("organisation_id", "name"):
        if pk in records and alias not in records[pk].names:
            records[pk].names.append(alias)
    links = OrganisationSpecialisation.objects.values_list(
        "organisation_id", "specialisation__code", "specialisation__label_en", "specialisation__label_it", "wording", "recognised"
    )
    for pk, code, label_en, label_it, wording, recognised in links:
        record = records[pk]
        record.areas[code] = recognised
        record.texts += [t for t in (label_en, label_it, wording) if t]
    for pk, comune, province in Site.objects.values_list("organisation_id", "comune", "province"):
        records[pk].texts.append(f"{comune} {province}")
    for pk, texts in trial_texts().items():
        if pk in records:
            records[pk].trial_texts = texts
    return list(records.values())


def trial_texts() -> dict[int, list[str]]:
    """Conditions and phases of the trials each organisation runs (empty when none are loaded)."""
    from lshub.sources.models import TrialSite

    texts: dict[int, list[str]] = {}
    rows = TrialSite.objects.filter(organisation__isnull=False).values_list("organisation_id", "trial__conditions", "trial__phases")
    for pk, conditions, phases in rows.order_by("organisation_id", "-trial__start_date").distinct():
        bucket = texts.setdefault(pk, [])
        if len(bucket) < MAX_TRIAL_CONDITIONS:
            phase_words = " ".join(p.replace("PHASE", "phase ").replace("EARLY_", "early ") for p in phases or [])
            bucket.append(" ".join([*(conditions or []), phase_words, "clinical trial"]))
    return texts


def ancestors_from_registry() -> dict[str, list[str]]:
    """Specialisation code -> its parents' codes, nearest first (haematology: oncology)."""
    from lshub.registry.models import Specialisation

    parent = dict(Specialisation.objects.values_list("code", "parent__code"))
    chains = {}
    for code in parent:
        chain, current = [], parent.get(code)
        while current and current not in chain:
            chain.append(current)
            current = parent.get(current)
        chains[code] = chain
    return chains


# -- the index of the registry as it is now ------------------------------------------------

_lock = threading.Lock()
_cached: tuple[tuple, PartneringIndex] | None = None


def registry_signature() -> tuple:
    """Changes whenever anything the index reads changes (counts and the latest edit)."""
    from django.db.models import Count, Max

    from lshub.registry.models import Alias, Organisation, OrganisationSpecialisation, Site
    from lshub.sources.models import TrialSite

    organisations = Organisation.objects.aggregate(n=Count("id"), latest=Max("updated"), top=Max("id"))
    return (
        organisations["n"],
        organisations["latest"],
        organisations["top"],
        OrganisationSpecialisation.objects.count(),
        Site.objects.count(),
        Alias.objects.count(),
        TrialSite.objects.filter(organisation__isnull=False).count(),
    )


def current() -> PartneringIndex:
    """The index of the registry, rebuilt when the registry has changed since the last build."""
    global _cached
    signature = registry_signature()
    with _lock:
        if _cached and _cached[0] == signature:
            return _cached[1]
    built = PartneringIndex(records_from_registry(), vocab.current(), ancestors=ancestors_from_registry())
    with _lock:
        _cached = (signature, built)
    return built
