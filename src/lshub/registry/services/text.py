"""Text normalisation shared by the index and the queries: one definition of a 'word'."""

from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r"[a-z0-9]+")

# Words that carry no meaning in a search for an organisation, in Italian and English.
STOP_WORDS = frozenset(
    """
    a ad al alla alle allo ai agli and at by d da dal dalla dei degli del della delle dello di e ed
    for from gli i il in l la le lo nel nella o of on or per s su the to un una uno with
    """.split()
)

MAX_QUERY_WORDS = 16


def normalise(text: str) -> str:
    """Lower case, accents removed, punctuation turned into spaces."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(WORD.findall(plain))


def query_words(text: str) -> list[str]:
    """The words of a user's query worth matching: normalised, without stop words, capped."""
    words = [w for w in normalise(text).split() if w not in STOP_WORDS]
    return list(dict.fromkeys(words))[:MAX_QUERY_WORDS]
