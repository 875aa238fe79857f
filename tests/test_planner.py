"""Planning: distinct topics, mixed kinds, a fundamentals question, recent questions avoided."""

from __future__ import annotations

import pytest

from interviewer.bank import ROLE_TRACKS, Level, Track
from interviewer.graph.planner import adapt_question, next_level, plan_interview


@pytest.mark.parametrize("track", ROLE_TRACKS, ids=lambda t: t.value)
def test_plan_mixes_topics_kinds_and_includes_fundamentals(shipped_bank, track):
    plan = plan_interview(shipped_bank, track, Level.MID, 6, seed="s1")
    questions = [shipped_bank.question(q) for q in plan]
    assert len(plan) == len(set(plan)) == 6
    assert len({q.topic for q in questions}) == 6
    assert len({q.kind for q in questions}) >= 2
    assert "fundamentals" in questions[0].tags  # the warm-up
    assert sum(track in q.tracks for q in questions) >= 4
    assert sum(q.level is Level.MID for q in questions) >= 4


def test_plan_is_deterministic_per_seed_and_varies_across_seeds(shipped_bank):
    a = plan_interview(shipped_bank, Track.AGENTS, Level.MID, 5, seed="x")
    assert a == plan_interview(shipped_bank, Track.AGENTS, Level.MID, 5, seed="x")
    assert any(plan_interview(shipped_bank, Track.AGENTS, Level.MID, 5, seed=s) != a for s in "abcdef")


def test_plan_avoids_recent_questions_while_it_can(shipped_bank):
    first = plan_interview(shipped_bank, Track.ML_INFRA, Level.SENIOR, 5, seed="a")
    second = plan_interview(shipped_bank, Track.ML_INFRA, Level.SENIOR, 5, seed="a", avoid=first)
    assert not set(first) & set(second)


def test_levels_move_one_step_at_a_time():
    assert next_level(Level.MID, 90) is Level.SENIOR
    assert next_level(Level.SENIOR, 90) is Level.SENIOR
    assert next_level(Level.MID, 20) is Level.JUNIOR
    assert next_level(Level.JUNIOR, 20) is Level.JUNIOR
    assert next_level(Level.MID, 60) is Level.MID


def test_adapted_question_keeps_track_and_kind(shipped_bank):
    planned = next(
        q for q in shipped_bank.for_track(Track.LLM_APP) if q.level is Level.MID and q.kind.value == "concept"
    )
    swapped = shipped_bank.question(adapt_question(shipped_bank, planned.id, Level.SENIOR, used=[]))
    assert swapped.level is Level.SENIOR and swapped.kind is planned.kind and Track.LLM_APP in swapped.tracks
