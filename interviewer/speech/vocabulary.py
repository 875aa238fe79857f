"""Track vocabulary: the bank's technical terms, used to bias transcription and to spot mishearings.

Whisper hears "KV cache" as "KV cash" and "LoRA" as "low RNA" unless it is told the words to
expect. The rubric key points already list the terms a good answer uses, so the vocabulary comes
from there. Only terms a speech model is likely to get wrong are kept: acronyms, CamelCase and
mixed-case names, letter-digit mixes, and short hyphenated forms such as "top-p". Plain English
("trade-offs", "access control") is left out: the model knows it, and fuzzy-matching ordinary
words against it would flag correct speech.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from interviewer.bank import Bank, Question, Track

#: Upper bound of the prompt in characters. Whisper keeps at most 223 prompt tokens and, with
#: faster-whisper, the prompt shares the 448-token window with what is decoded; ~4 characters a
#: token puts this near 100 tokens, leaving room for 30 s of speech per window.
MAX_PROMPT_CHARS = 400
#: Longer terms are phrases from rubric prose, not vocabulary.
MAX_TERM_WORDS = 3

_NUMBER = re.compile(r"^[\d.,%x]+$")
_ODD = re.compile(r"[=()^<>|]")


@dataclass(frozen=True)
class Vocabulary:
    """The terms to expect, most important first, and the prompt built from them."""

    terms: tuple[str, ...]
    #: A glossary line for the engine's initial prompt; empty when there are no terms.
    prompt: str


EMPTY = Vocabulary(terms=(), prompt="")


def track_vocabulary(bank: Bank, track: Track, question: Question | None = None) -> Vocabulary:
    """The vocabulary for answers in ``track``; ``question``'s own terms first when it is known.

    Terms are ranked by how many of the track's rubrics use them (a question's own rubric counts
    extra), so the bounded prompt carries the track's core words.
    """
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    order: dict[str, int] = {}

    def add(q: Question, weight: int) -> None:
        for key_point in bank.rubric_for(q).key_points:
            for term in key_point.terms:
                if not is_technical(term):
                    continue
                key = compact(term)
                spelling.setdefault(key, term)
                order.setdefault(key, len(order))
                counts[key] += weight

    own = [question] if question is not None else []
    for q in own:
        add(q, 100)
    for q in bank.for_track(track):
        add(q, 1)
    # A term also scores for the longer terms that contain it: "KV cache usage" counts for "KV cache".
    padded = {k: f" {' '.join(spelling[k].lower().split())} " for k in counts}
    score = {k: sum(counts[o] for o in counts if padded[k] in padded[o]) for k in counts}
    ranked = sorted(counts, key=lambda k: (-score[k], len(spelling[k].split()), order[k]))
    terms = _without_extensions([spelling[k] for k in ranked])
    return Vocabulary(terms=tuple(terms), prompt=build_prompt(terms))


def build_prompt(terms: list[str] | tuple[str, ...], max_chars: int = MAX_PROMPT_CHARS) -> str:
    """A "Glossary: a, b, c." line with as many leading terms as fit in ``max_chars``."""
    chosen: list[str] = []
    size = len("Glossary: .")
    for term in terms:
        extra = len(term) + (2 if chosen else 0)
        if size + extra > max_chars:
            break
        chosen.append(term)
        size += extra
    return f"Glossary: {', '.join(chosen)}." if chosen else ""


def is_technical(term: str) -> bool:
    """Whether a bank term is vocabulary a speech model may mishear (see the module docstring)."""
    words = term.split()
    if not words or len(words) > MAX_TERM_WORDS or _ODD.search(term):
        return False
    if any(_NUMBER.match(w) for w in words) or words[0] in {"I", "I'm", "I've", "I'd"}:
        return False
    # At least half the words must be technical: "KV cache" is vocabulary, "at the SLO" is prose.
    return 2 * sum(_technical_word(w) for w in words) >= len(words)


def compact(text: str) -> str:
    """Lower case, letters and digits only: "ROC-AUC", "ROC AUC" and "roc auc" are one key."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _technical_word(word: str) -> bool:
    word = word.strip(".,;:'\"")
    letters = [c for c in word if c.isalpha()]
    if len(word) < 2 or not letters:
        return False
    if any(c.isupper() for c in word[1:]) or (word[0].isupper() and word.lower() not in _SENTENCE_STARTS):
        return True  # acronyms, CamelCase, names (BM25, LoRA, FlashAttention, Bonferroni)
    if any(c.isdigit() for c in word):
        return set(letters) != {"x"}  # bf16, p95, fp8; but "2-4x" is a number
    parts = re.split(r"[-/]", word)
    # "top-p", "k-fold": a one-letter part marks notation; "re-index", "trade-off" are plain English.
    return len(parts) > 1 and any(len(p) == 1 for p in parts)


def _without_extensions(terms: list[str]) -> list[str]:
    """Drop terms that only extend an earlier one ("KV cache usage" after "KV cache")."""
    kept: list[str] = []
    kept_words: list[str] = []
    for term in terms:
        words = f" {' '.join(term.lower().split())} "
        if any(k in words for k in kept_words):
            continue
        kept.append(term)
        kept_words.append(f" {' '.join(term.lower().split())} ")
    return kept


# Capitalised only because a rubric phrase starts with them.
_SENTENCE_STARTS = {"the", "a", "an", "each", "use", "no", "not", "one", "it", "we", "if", "when", "what"}
