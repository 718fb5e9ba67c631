"""The field's vocabulary in English and Italian: words, stems, concepts and typo repair.

A *concept* is what several phrases mean: "oncologia", "oncology" and "tumori" all mean
`area:oncology`; "fase 1" and "phase I" mean `concept:phase-1`; "research hospital" means
`type:irccs`; "Milan" means `place:MI`. Concepts come from the taxonomy's own labels
(label_en, label_it), from the hand-reviewed synonyms in data/synonyms.yaml, from the
registry's short names and acronyms, and from the comuni where organisations have sites.

Text is turned into *tokens*: normalised (accents, case and punctuation gone, see the
registry's text.normalise), stop words dropped, and each word stemmed with the English
and then the Italian Snowball stemmer, so "oncological" and "oncologica" both become
"oncolog". Phrases are matched on these tokens, longest first.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import Stemmer
import yaml
from rapidfuzz import fuzz, process

from lshub.registry.services.text import STOP_WORDS, normalise

# Words that say nothing about the partner wanted, added to the registry's stop words.
NEED_STOP_WORDS = frozenset(
    """
    all alla allo an any are as be been being can che chi come con cui dell dello degli nell nella nelle
    sull sulla our ours their its it this that these those we us you your i me my who which what where
    is was will would should could like want wants wanted need needs needed looking look seek seeking
    find finding search cerco cerca cerchiamo cercasi cerchiamo trovare vorrei vogliamo nostro nostra
    nostri nostre noi voi loro partner partners partnership collaboration collaborazione collaborare
    project progetto proposal proposta please grazie some qualche uno una un also anche
    """.split()
)
STOPS = STOP_WORDS | NEED_STOP_WORDS

MAX_PHRASE_TOKENS = 6
# Query words shorter than this are never "corrected": they are acronyms or codes (INT, HT, MI).
MIN_TYPO_LENGTH = 5
TYPO_SCORE_CUTOFF = 80

# Partner types that a need for another type also accepts: an IRCCS *is* a hospital and a
# research institute.
TYPE_ALSO = {"hospital": {"irccs"}, "research_centre": {"irccs"}}

_english = Stemmer.Stemmer("english")
_italian = Stemmer.Stemmer("italian")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """One stem for English and Italian forms of a word ("cardiology", "cardiologia": "cardiolog")."""
    return _italian.stemWord(_english.stemWord(word))


# "phase I" must not lose its numeral to the Italian article "i".
ROMAN_PHASE = re.compile(r"\b(phase|fase|phases|fasi)\s+(iv|iii|ii|i)\b")
ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}


def words(text: str) -> list[str]:
    """Normalised words without stop words (not stemmed): what typo repair looks at."""
    plain = ROMAN_PHASE.sub(lambda m: f"{m.group(1)} {ROMAN[m.group(2)]}", normalise(text))
    return [w for w in plain.split() if w not in STOPS]


def tokens(text: str) -> list[str]:
    """The stemmed tokens of a text, in order."""
    return [stem(w) for w in words(text)]


@dataclass(frozen=True)
class Match:
    """A phrase of the vocabulary found in a text: tokens [start, end) mean `concepts`."""

    start: int
    end: int
    concepts: frozenset[str]


@dataclass
class Vocabulary:
    phrases: dict[tuple[str, ...], set[str]] = field(default_factory=dict)
    # Surface words the vocabulary and the index know: the targets of typo repair.
    known_words: set[str] = field(default_factory=set)
    labels: dict[str, tuple[str, str]] = field(default_factory=dict)  # concept -> (English, Italian)

    def add(self, phrase: str, concept: str) -> None:
        key = tuple(tokens(phrase))
        if key and len(key) <= MAX_PHRASE_TOKENS:
            self.phrases.setdefault(key, set()).add(concept)
            self.known_words.update(words(phrase))

    def find(self, token_list: list[str]) -> list[Match]:
        """Phrases in a token list, longest first at each position, without overlaps."""
        found, position = [], 0
        while position < len(token_list):
            for length in range(min(MAX_PHRASE_TOKENS, len(token_list) - position), 0, -1):
                concepts = self.phrases.get(tuple(token_list[position : position + length]))
                if concepts:
                    found.append(Match(position, position + length, frozenset(concepts)))
                    position += length
                    break
            else:
                position += 1
        return found

    def concepts(self, text: str) -> set[str]:
        return {c for match in self.find(tokens(text)) for c in match.concepts}

    def label(self, concept: str, language: str) -> str:
        english, italian = self.labels.get(concept, (concept.split(":", 1)[-1], concept.split(":", 1)[-1]))
        return italian if language == "it" else english


class Speller:
    """Repairs small typos in query words against the words an index and vocabulary know."""

    def __init__(self, known: Iterable[str]):
        self.known = set(known)
        self._by_initial: dict[str, list[str]] = {}

    def correct(self, word: str) -> str:
        """The known word closest to a misspelt one ("oncolgy": "oncology"), else the word itself."""
        if len(word) < MIN_TYPO_LENGTH or word in self.known or word.isdigit():
            return word
        best = process.extractOne(word, self._choices(word[0]), scorer=fuzz.ratio, score_cutoff=TYPO_SCORE_CUTOFF)
        return best[0] if best else word

    def _choices(self, initial: str) -> list[str]:
        # A typo rarely hits the first letter; looking among words with the same initial
        # keeps the search small whatever the size of the index.
        if initial not in self._by_initial:
            self._by_initial[initial] = sorted(w for w in self.known if w[:1] == initial and len(w) >= MIN_TYPO_LENGTH - 1)
        return self._by_initial[initial]


def _synonyms() -> dict:
    with resources.files("lshub.partnering").joinpath("data/synonyms.yaml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def build(specialisations: Iterable, short_names: Iterable[tuple[str, str]], comuni: Iterable[tuple[str, str]]) -> Vocabulary:
    """A vocabulary from plain data: (code, label_en, label_it) rows, (slug, acronym) pairs,
    (comune, province) pairs. The synonyms file is always added."""
    vocabulary = Vocabulary()
    synonyms = _synonyms()
    for code, label_en, label_it in specialisations:
        concept = f"area:{code}"
        vocabulary.labels[concept] = (label_en, label_it)
        for phrase in (label_en, label_it, code.replace("-", " ")):
            vocabulary.add(phrase, concept)
        for phrase in synonyms["areas"].get(code, []):
            vocabulary.add(phrase, concept)
    for kind, section in (("concept", "concepts"), ("type", "types"), ("place", "places"), ("region", "regions")):
        for key, phrases in synonyms[section].items():
            for phrase in phrases:
                vocabulary.add(phrase, f"{kind}:{key}")
    for comune, province in comuni:
        vocabulary.add(comune, f"place:{province}")
    for slug, acronym in short_names:
        # Acronyms name one organisation; they are matched as whole tokens, never corrected.
        vocabulary.add(acronym, f"org:{slug}")
    return vocabulary


def is_acronym(name: str) -> bool:
    """'INT', 'IEO', 'HT', 'CNR-ITB': short and written in capitals."""
    letters = [c for c in name if c.isalpha()]
    return 2 <= len(letters) <= 8 and all(c.isupper() for c in letters) and " " not in name.strip()


_lock = threading.Lock()
_cached: tuple[tuple, Vocabulary] | None = None


def current() -> Vocabulary:
    """The vocabulary of the registry as it is now (rebuilt when the taxonomy or names change)."""
    global _cached
    from lshub.registry.models import Alias, Organisation, Site, Specialisation

    signature = (
        Specialisation.objects.count(),
        Alias.objects.count(),
        Organisation.objects.count(),
        Site.objects.values("comune").distinct().count(),
    )
    with _lock:
        if _cached and _cached[0] == signature:
            return _cached[1]
    specialisations = Specialisation.objects.values_list("code", "label_en", "label_it")
    names = [(slug, n) for slug, n in Alias.objects.values_list("organisation__slug", "name") if is_acronym(n)]
    names += [(slug, n) for slug, n in Organisation.objects.values_list("slug", "short_name") if is_acronym(n)]
    comuni = Site.objects.exclude(province="").values_list("comune", "province").distinct()
    vocabulary = build(list(specialisations), names, list(comuni))
    with _lock:
        _cached = (signature, vocabulary)
    return vocabulary
