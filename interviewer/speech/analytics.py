"""Delivery figures from word timestamps: pace, fillers, pauses, start time, talk time.

Only what can be measured is reported; nothing here judges confidence, nerves or emotion.

Fillers and the rules that decide them (a word list alone would count "I like tests" and "this
kind of model"):

* ``um``, ``uh``, ``er``, ``erm``, ``ah``, ``hmm``, ``mm`` (and their stretched spellings such as
  "ummm") always count.
* ``like`` counts only where it is set off as an interjection: a comma before or after it in the
  transcript, at the start of a sentence, or next to another filler ("um, like"). Verb and
  comparison uses ("I like", "looks like a leak") have no such break and are left alone. Engines
  that give no punctuation therefore undercount "like".
* ``you know`` and ``I mean`` count unless a word before them makes them a real clause
  ("do you know", "if you know", "what I mean").
* ``sort of`` and ``kind of`` count unless a determiner comes before them ("this kind of
  model", "a sort of index").
* ``basically``, ``actually``, ``literally`` count when set off by commas ("it's, basically, a
  cache").

Whisper models tend to leave hesitations out of transcripts, so these counts are a lower bound.
"""

from __future__ import annotations

import re
from collections import Counter

from interviewer.delivery import LONG_PAUSE_S, DeliveryMetrics
from interviewer.speech.records import Word

_ALWAYS = re.compile(r"^(u+m+|u+h+|e+r+|e+r+m+|a+h+|h+m+|m+h*m+|uhm+)$")
# Word lists as strings: one line each reads better than a column of quoted words.
_DETERMINERS = frozenset("a an the this that these those what some any one every each which another same".split())  # noqa: SIM905
_BLOCK_YOU_KNOW = frozenset(
    "do does did don't didn't if whether what who how would could should will can might may as that".split()  # noqa: SIM905
)
_BLOCK_I_MEAN = frozenset("what do did don't didn't that if".split())  # noqa: SIM905
_SET_OFF_ADVERBS = frozenset({"basically", "actually", "literally"})


def delivery_metrics(words: tuple[Word, ...] | list[Word], duration_s: float) -> DeliveryMetrics:
    """Measure delivery from ``words`` (with timings) in a recording of ``duration_s`` seconds."""
    spoken = [w for w in words if any(c.isalnum() for c in w.text)]
    if not spoken:
        return DeliveryMetrics(
            words=0,
            talk_time_s=0.0,
            words_per_minute=0.0,
            fillers=0,
            fillers_per_100_words=0.0,
            long_pauses=0,
            longest_pause_s=0.0,
            time_to_first_word_s=round(max(0.0, duration_s), 2),
            duration_s=round(max(0.0, duration_s), 2),
        )
    talk = max(0.0, spoken[-1].end - spoken[0].start)
    gaps = [max(0.0, b.start - a.end) for a, b in zip(spoken, spoken[1:], strict=False)]
    fillers = count_fillers(spoken)
    total_fillers = sum(fillers.values())
    return DeliveryMetrics(
        words=len(spoken),
        talk_time_s=round(talk, 2),
        words_per_minute=round(len(spoken) / talk * 60, 1) if talk > 0 else 0.0,
        fillers=total_fillers,
        fillers_per_100_words=round(100 * total_fillers / len(spoken), 1),
        filler_counts=dict(fillers),
        long_pauses=sum(1 for g in gaps if g > LONG_PAUSE_S),
        longest_pause_s=round(max(gaps, default=0.0), 2),
        time_to_first_word_s=round(max(0.0, spoken[0].start), 2),
        duration_s=round(max(duration_s, spoken[-1].end), 2),
    )


def count_fillers(words: list[Word]) -> Counter[str]:
    """Fillers by kind, following the rules in the module docstring."""
    bare = [w.bare.lower() for w in words]
    raw = [w.text.strip() for w in words]
    found: Counter[str] = Counter()
    skip_next = False
    for i, word in enumerate(bare):
        if skip_next:
            skip_next = False
            continue
        before = bare[i - 1] if i > 0 else ""
        pair = f"{word} {bare[i + 1]}" if i + 1 < len(bare) else ""
        if _ALWAYS.match(word):
            found[_canonical(word)] += 1
        elif word == "like" and _like_is_filler(i, bare, raw):
            found["like"] += 1
        elif pair == "you know" and before not in _BLOCK_YOU_KNOW:
            found["you know"] += 1
            skip_next = True
        elif pair == "i mean" and before not in _BLOCK_I_MEAN:
            found["i mean"] += 1
            skip_next = True
        elif pair in ("sort of", "kind of") and before not in _DETERMINERS:
            found[pair] += 1
            skip_next = True
        elif word in _SET_OFF_ADVERBS and _set_off(i, raw):
            found[word] += 1
    return found


def _like_is_filler(i: int, bare: list[str], raw: list[str]) -> bool:
    if _set_off(i, raw):
        return True
    neighbours = {bare[i - 1] if i > 0 else "", bare[i + 1] if i + 1 < len(bare) else ""}
    return any(_ALWAYS.match(n) for n in neighbours if n)


def _set_off(i: int, raw: list[str]) -> bool:
    """A comma right after the word, or right before it (which includes "..., like").

    A sentence-opening "Like," is covered by the comma after it.
    """
    return raw[i].endswith(",") or (i > 0 and raw[i - 1].endswith(","))


def _canonical(word: str) -> str:
    """ "ummm" and "Umm" are "um"; "uhh" is "uh"."""
    collapsed = re.sub(r"(.)\1+", r"\1", word)
    return {"uhm": "um", "m": "mm", "mhm": "mm", "hm": "hmm"}.get(collapsed, collapsed)
