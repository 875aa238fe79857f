"""The shipped bank is complete, valid and written in its own words."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from interviewer.bank import ROLE_TRACKS, Kind, Level, Track

from .conftest import SEEDS

ALL_TRACKS = [*ROLE_TRACKS, Track.CORE]


def test_shipped_bank_has_no_errors(shipped_bank):
    assert shipped_bank.errors == []
    assert shipped_bank.warnings == []


@pytest.mark.parametrize("track", ALL_TRACKS, ids=lambda t: t.value)
def test_each_track_has_enough_mixed_questions(shipped_bank, track):
    questions = shipped_bank.for_track(track)
    assert len(questions) >= 24
    levels = Counter(q.level for q in questions)
    assert all(levels[level] >= 5 for level in Level), levels
    kinds = {q.kind for q in questions}
    assert len(kinds) >= 3, kinds
    assert len({q.topic for q in questions}) >= 8


@pytest.mark.parametrize("track", ALL_TRACKS, ids=lambda t: t.value)
def test_each_track_carries_misconceptions(shipped_bank, track):
    rubrics = [shipped_bank.rubric_for(q) for q in shipped_bank.for_track(track)]
    assert sum(len(r.misconceptions) for r in rubrics) >= 10


def test_every_question_is_fully_specified(shipped_bank):
    for q in shipped_bank.questions.values():
        rubric = shipped_bank.rubric_for(q)
        assert len(rubric.key_points) >= 3, q.id
        assert 2 <= len(q.follow_ups) <= 4, q.id
        assert q.source.file and q.source.section, q.id
        assert shipped_bank.criteria_for(rubric), q.id


def test_core_set_spans_fundamentals_design_and_behavioral(shipped_bank):
    core = shipped_bank.for_track(Track.CORE)
    assert sum("fundamentals" in q.tags for q in core) >= 8
    assert sum(q.kind is Kind.DESIGN for q in core) >= 5
    assert sum(q.kind is Kind.BEHAVIORAL for q in core) >= 5


@pytest.mark.parametrize(
    "trap",
    [
        r"p-?value",
        r"temperature",
        r"flash ?attention",
        r"\bauc\b",
        r"context (window|length)",
    ],
)
def test_named_traps_are_rubric_misconceptions(shipped_bank, trap):
    claims = [m.claim.lower() for r in shipped_bank.rubrics.values() for m in r.misconceptions]
    assert any(re.search(trap, c) for c in claims), f"no misconception mentions {trap}"


def _seed_available() -> bool:
    return SEEDS.is_dir() and any(SEEDS.glob("*.txt"))


@pytest.mark.skipif(not _seed_available(), reason="the seed documents (../shared/seeds) are not beside this checkout")
def test_sources_name_real_seed_files(shipped_bank):
    seed_names = {p.name for p in SEEDS.glob("*.txt")}
    unknown = {q.id: q.source.file for q in shipped_bank.questions.values() if q.source.file not in seed_names}
    assert unknown == {}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


@pytest.mark.skipif(not _seed_available(), reason="the seed documents (../shared/seeds) are not beside this checkout")
def test_content_is_written_in_own_words(shipped_bank):
    """No run of 10 words in a question or rubric text is copied from a seed document."""
    n = 10
    seed_grams: set[tuple[str, ...]] = set()
    for path in SEEDS.glob("*.txt"):
        words = _words(path.read_text(encoding="utf-8", errors="replace"))
        seed_grams.update(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    texts: list[tuple[str, str]] = []
    for q in shipped_bank.questions.values():
        texts += [(q.id, q.prompt), (q.id, q.context or "")] + [(q.id, f.prompt) for f in q.follow_ups]
    for r in shipped_bank.rubrics.values():
        texts += [(r.id, k.statement) for k in r.key_points]
        texts += [(r.id, f"{m.claim} {m.correction}") for m in r.misconceptions]
        texts += [(r.id, line) for line in r.model_answer] + [(r.id, r.weak_answer or "")]
    copied = []
    for owner, text in texts:
        words = _words(text)
        for i in range(len(words) - n + 1):
            if tuple(words[i : i + n]) in seed_grams:
                copied.append((owner, " ".join(words[i : i + n])))
                break
    assert copied == []
