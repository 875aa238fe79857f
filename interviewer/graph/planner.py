"""Choosing the questions of an interview, and adapting them to how it goes.

Pure functions of their inputs (the session id seeds the shuffle), so a node
that re-runs after a crash picks exactly what it picked before.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from interviewer.bank import Bank, Kind, Level, Question, Track

#: Share of an interview drawn from the cross-track `core` set (fundamentals, design, behavioral).
CORE_SHARE = 0.25
FUNDAMENTALS_TAG = "fundamentals"
#: Scores at or above this raise the next question's level; below LOWER_BELOW lower it.
RAISE_AT = 75
LOWER_BELOW = 40

_KIND_ORDER = {Kind.CONCEPT: 0, Kind.SCENARIO: 1, Kind.DESIGN: 2, Kind.BEHAVIORAL: 3}


def plan_interview(
    bank: Bank,
    track: Track,
    level: Level,
    n_questions: int,
    seed: str,
    avoid: Iterable[str] = (),
) -> list[str]:
    """Pick ``n_questions`` question ids: distinct topics, mixed kinds, at least one fundamentals question.

    ``avoid`` (questions seen in recent sessions) is honoured while enough other questions exist.
    """
    if n_questions < 1:
        raise ValueError("an interview needs at least one question")
    rng = random.Random(seed)
    avoid = set(avoid)
    core = bank.for_track(Track.CORE) if track is not Track.CORE else []
    own = bank.for_track(track)
    n_core = 0 if not core else max(1, round(n_questions * CORE_SHARE)) if n_questions > 1 else 0

    chosen: list[Question] = []
    if core and n_questions >= 1:
        fundamentals = [q for q in core if FUNDAMENTALS_TAG in q.tags]
        first = _pick(fundamentals, chosen, level, avoid, rng)
        if first is not None:
            chosen.append(first)
        for _ in range(n_core - len(chosen)):
            extra = _pick([q for q in core if FUNDAMENTALS_TAG not in q.tags], chosen, level, avoid, rng)
            if extra is not None:
                chosen.append(extra)
    while len(chosen) < n_questions:
        pool = own if own else core
        nxt = _pick(pool, chosen, level, avoid, rng) or _pick(core + own, chosen, level, avoid, rng)
        if nxt is None:
            break
        chosen.append(nxt)
    # Warm up with concepts; leave design and behavioral questions for later in the interview.
    ordered = sorted(chosen, key=lambda q: (FUNDAMENTALS_TAG not in q.tags, _KIND_ORDER[q.kind]))
    return [q.id for q in ordered]


def _pick(
    pool: list[Question], chosen: list[Question], level: Level, avoid: set[str], rng: random.Random
) -> Question | None:
    taken = {q.id for q in chosen}
    candidates = [q for q in pool if q.id not in taken]
    if not candidates:
        return None
    topics = {q.topic for q in chosen}
    kinds = [q.kind for q in chosen]
    rng.shuffle(candidates)

    def cost(q: Question) -> tuple[int, ...]:
        return (
            q.topic in topics,  # distinct topics first
            q.id in avoid,  # then unseen questions
            abs(q.level.rank - level.rank),  # then the requested level
            kinds.count(q.kind),  # then a mix of kinds
        )

    return min(candidates, key=cost)


def next_level(current: Level, score: int) -> Level:
    """Strong answers raise the level of the next question, weak ones lower it."""
    order = list(Level)
    index = order.index(current)
    if score >= RAISE_AT:
        index = min(index + 1, len(order) - 1)
    elif score < LOWER_BELOW:
        index = max(index - 1, 0)
    return order[index]


def adapt_question(bank: Bank, planned_id: str, level: Level, used: Iterable[str], avoid: Iterable[str] = ()) -> str:
    """The planned question, or a same-track, same-kind question at ``level`` on an unused topic."""
    planned = bank.question(planned_id)
    if planned.level is level:
        return planned_id
    used_ids = set(used)
    used_topics = {bank.questions[q].topic for q in used_ids if q in bank.questions}
    avoid_ids = set(avoid)
    candidates = [
        q
        for q in bank.questions.values()
        if q.id not in used_ids
        and q.level is level
        and q.kind is planned.kind
        and set(q.tracks) & set(planned.tracks)
        and q.topic not in used_topics
    ]
    if not candidates:
        return planned_id
    # Same topic as planned first, then unseen, then a stable order.
    best = min(candidates, key=lambda q: (q.topic != planned.topic, q.id in avoid_ids, q.id))
    return best.id
