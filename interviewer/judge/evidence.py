"""Checking that a judge's quotes are really the candidate's words.

Feedback is only worth trusting if every claim about an answer points at what
the candidate said. Judges (LLMs above all) paraphrase and invent quotes, so
every quote is looked up in the answer here, in code, and replaced by the
answer's own text for that span; quotes that cannot be found are dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

_WORD = re.compile(r"\w+(?:['’]\w+)*")
_NON_WORD = re.compile(r"[^\w']+")

#: How similar a quote must be to a span of the answer when it is not verbatim: tolerant of a
#: transcription slip or a dropped filler, not of a paraphrase.
FUZZY_THRESHOLD = 0.85
#: Shorter quotes must match exactly: with two words, "fuzzy" would match almost anything.
MIN_FUZZY_WORDS = 3


@dataclass(frozen=True)
class _Token:
    norm: str
    start: int
    end: int


def normalise(text: str) -> str:
    """Case-folded words separated by single spaces: punctuation and spacing do not count."""
    return " ".join(t.norm for t in _tokens(text))


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for m in _WORD.finditer(text):
        # NFKC can turn one word character into several, some not word characters ("¼" -> "1⁄4");
        # keeping only word characters makes normalising a normalised text a no-op.
        norm = _NON_WORD.sub("", unicodedata.normalize("NFKC", m.group()).casefold().replace("’", "'"))
        if norm:
            tokens.append(_Token(norm, m.start(), m.end()))
    return tokens


def find_quote(quote: str, answer: str) -> str | None:
    """The span of ``answer`` that ``quote`` cites, in the answer's own characters, or None."""
    wanted = [t.norm for t in _tokens(quote)]
    have = _tokens(answer)
    if not wanted or not have:
        return None
    n = len(wanted)
    norms = [t.norm for t in have]
    for i in range(len(have) - n + 1):
        if norms[i : i + n] == wanted:
            return answer[have[i].start : have[i + n - 1].end]
    if n < MIN_FUZZY_WORDS:
        return None
    target = " ".join(wanted)
    best: tuple[float, int, int] = (0.0, 0, 0)
    for size in (n - 1, n, n + 1):
        if size < 1 or size > len(have):
            continue
        for i in range(len(have) - size + 1):
            candidate = " ".join(norms[i : i + size])
            matcher = SequenceMatcher(None, target, candidate, autojunk=False)
            if matcher.real_quick_ratio() < FUZZY_THRESHOLD or matcher.quick_ratio() < FUZZY_THRESHOLD:
                continue
            ratio = matcher.ratio()
            if ratio > best[0]:
                best = (ratio, i, i + size - 1)
    if best[0] >= FUZZY_THRESHOLD:
        return answer[have[best[1]].start : have[best[2]].end]
    return None


def contains_phrase(phrase: str, answer_normalised: str) -> bool:
    """Whole-word phrase match against an already normalised answer."""
    wanted = normalise(phrase)
    return bool(wanted) and f" {wanted} " in f" {answer_normalised} "
