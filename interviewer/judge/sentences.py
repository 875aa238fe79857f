"""An answer as sentences: the spans the rubric judge scores and quotes.

Written and spoken answers differ: speech arrives as long unpunctuated runs, so those are cut into
windows of words; a bullet or a blank line starts a sentence, a single newline does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WORD = re.compile(r"\w+(?:['’]\w+)*")
FUNCTION_WORDS = frozenset(
    "a an the is are was were be been being to of in on at for by with from as that this these those it its and or "  # noqa: SIM905
    "but so if then than because since while when which who what how why we i you they he she do does did can could "
    "would should will may might must not no have has had there their our my your also very just really more most some "
    "any all each other such it's that's there's i'd i'll we'd we'll".split()
)
_ABBREVIATIONS = frozenset("e.g i.e etc vs approx fig eq dr mr ms no cf al".split())  # noqa: SIM905
_BOUNDARY = re.compile(r"[.!?]+[\"')\]]*\s+|;\s+|\n\s*\n|\n(?=\s*(?:[-*•]|\d+[.)])\s)")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


@dataclass(frozen=True)
class Sentence:
    """A span of the answer (a sentence, or a window of unpunctuated speech). ``names_only``: it
    names things without explaining them (a comma-separated run, or under 3 words besides terms)."""

    start: int
    end: int
    text: str
    words: int
    names_only: bool


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` as spans, and 20-word windows for runs of over 45 unpunctuated words.
    A single newline is line wrapping, not a boundary; a blank line or a bullet starts a sentence."""
    spans, start = [], 0
    for match in _BOUNDARY.finditer(text):
        before = WORD.findall(text[start : match.start() + 1])
        if match.group().startswith(".") and before and before[-1].lower() in _ABBREVIATIONS:
            continue  # "e.g. CLIP" does not end a sentence
        spans.append((start, match.start() + len(match.group().rstrip())))
        start = match.end()
    out = []
    for a, b in [*spans, (start, len(text))]:
        found = list(WORD.finditer(text, a, b))
        cuts = range(0, len(found), 20) if len(found) > 45 else range(0)
        windows = [(found[k].start(), found[min(k + 20, len(found)) - 1].end()) for k in cuts] or [(a, b)]
        for c, d in windows:
            bullet = _BULLET.match(text, c, d)
            piece = text[bullet.end() if bullet else c : d].strip()
            if WORD.search(piece):
                begin = text.index(piece, bullet.end() if bullet else c)
                out.append(_sentence(text[begin : begin + len(piece)], begin))
    return out


def _sentence(piece: str, start: int) -> Sentence:
    words = [w.lower() for w in WORD.findall(piece)]
    separators = len(re.findall(r"[,;/|•]|\n", piece))
    function_share = sum(w in FUNCTION_WORDS for w in words) / max(1, len(words))
    # Explanations run 6+ words between commas and are ~40% function words; term lists are neither.
    names_only = len(words) >= 6 and (len(words) / (separators + 1) < 3.0 or function_share < 0.12)
    return Sentence(start, start + len(piece), piece, len(words), names_only)


# Speech carries words that say nothing about the topic. Left in, they pull a sentence's embedding
# towards small talk: on the graded set, spoken answers scored far below written ones of the same
# content. "like" is only dropped where it cannot mean "similar to" or "such as".
_FILLERS = re.compile(
    r"\b(?:u+h+m*|u+m+|e+r+m*|h+m+|a+h+|you know|i mean|kind of|sort of|okay so|so yeah|yeah so|or whatever)\b[,.]?\s*"
    r"|(?<=[\s,])(?<!looks )(?<!look )(?<!feels )(?<!feel )(?<!seems )(?<!just )(?<!would )(?<!something )"
    r"like(?=,|\s+(?:a|an|the|um|uh|you know)\b)[,]?\s*",
    re.IGNORECASE,
)
_REPEAT = re.compile(r"\b(\w+(?:['’]\w+)?(?:\s+\w+(?:['’]\w+)?){0,2})(?:\s+\1\b)+", re.IGNORECASE)


def for_embedding(text: str) -> str:
    """``text`` without fillers and stutters ("it it", "I'd I'd"), for comparing meaning only:
    quotes are always taken from the original text."""
    cleaned = _REPEAT.sub(r"\1", _FILLERS.sub("", text))
    return " ".join(cleaned.split()) or text
