"""The interviewer's steps. Each may be re-run from its start after a crash, so every
side effect (a database write, a judge call) is looked up before it is done again."""

from __future__ import annotations

import json
import time
from statistics import mean
from typing import Any

from langgraph.runtime import Runtime
from langgraph.types import interrupt

from interviewer.bank import Level, Track
from interviewer.graph.followups import choose_gap
from interviewer.graph.planner import adapt_question, next_level, plan_interview
from interviewer.graph.state import CurrentQuestion, InterviewContext, InterviewState, PendingPrompt
from interviewer.judge.base import Exchange, GradingRequest
from interviewer.judge.grade import Grade

#: A question may overrun its time budget by this factor before follow-ups stop.
QUESTION_OVERRUN = 1.5


def plan(state: InterviewState, runtime: Runtime[InterviewContext]) -> dict[str, Any]:
    if state.get("plan"):
        return {}
    ctx = runtime.context
    session_id = state["session_id"]
    avoid = sorted(ctx.store.recent_question_ids(exclude=session_id))
    chosen = plan_interview(
        ctx.bank, Track(state["track"]), Level(state["level"]), state["n_questions"], seed=session_id, avoid=avoid
    )
    ctx.store.update_session(session_id, plan_json=json.dumps(chosen), n_questions=len(chosen))
    return {
        "plan": chosen,
        "n_questions": len(chosen),
        "avoid": avoid,
        "next_turn": 0,
        "results": [],
        "current": None,
        "pending": None,
        "started_at": time.time(),
    }


def select_question(state: InterviewState, runtime: Runtime[InterviewContext]) -> dict[str, Any]:
    """Start the next planned question, adapted to the level the interview has reached."""
    ctx = runtime.context
    results = state["results"]
    position = len(results)
    if position >= len(state["plan"]) or _session_over(state):
        return {"next_action": "wrap_up", "pending": None}
    asked = [r["question_id"] for r in results]
    remaining = state["plan"][position + 1 :]
    question_id = adapt_question(
        ctx.bank, state["plan"][position], Level(state["level"]), used=asked + remaining, avoid=state.get("avoid", [])
    )
    question = ctx.bank.question(question_id)
    turn = state["next_turn"]
    current: CurrentQuestion = {
        "question_id": question_id,
        "level": question.level.value,
        "started_at": time.time(),
        "exchanges": [],
        "probed": [],
        "grade": None,
    }
    prompt = question.prompt if not question.context else f"{question.context}\n\n{question.prompt}"
    pending: PendingPrompt = {
        "turn": turn,
        "question_id": question_id,
        "kind": "main",
        "prompt": prompt,
        "gap_kind": None,
        "gap_id": None,
        "gap_about": None,
        "number": position + 1,
        "total": len(state["plan"]),
    }
    return {"current": current, "pending": pending, "next_turn": turn + 1, "next_action": "ask"}


def ask(state: InterviewState, runtime: Runtime[InterviewContext]) -> dict[str, Any]:
    """Record the question, wait for the answer (an interrupt), and store the answer at once."""
    store = runtime.context.store
    pending = state["pending"]
    assert pending is not None and state["current"] is not None
    session_id = state["session_id"]
    store.record_question(
        session_id,
        pending["turn"],
        pending["question_id"],
        pending["kind"],
        pending["prompt"],
        pending["gap_kind"],
        pending["gap_id"],
    )
    answer = interrupt(pending)
    # The driver stores the answer before resuming; storing again here is a no-op then, and
    # keeps the guarantee for any other caller of the graph.
    stored = store.record_answer(session_id, pending["turn"], str(answer))
    current = dict(state["current"])
    current["exchanges"] = [
        *state["current"]["exchanges"],
        {"turn": pending["turn"], "asked": pending["prompt"], "answer": stored.answer_text or ""},
    ]
    return {"current": current, "pending": None}


def assess(state: InterviewState, runtime: Runtime[InterviewContext]) -> dict[str, Any]:
    """Grade the question on everything answered so far; a turn already graded is not graded again."""
    ctx = runtime.context
    current = state["current"]
    assert current is not None
    turn = current["exchanges"][-1]["turn"]
    grade = ctx.store.grade_for(state["session_id"], turn)
    if grade is None:
        question = ctx.bank.question(current["question_id"])
        rubric = ctx.bank.rubric_for(question)
        request = GradingRequest(
            question=question,
            rubric=rubric,
            criteria=ctx.bank.criteria_for(rubric),
            exchanges=[Exchange(e["asked"], e["answer"]) for e in current["exchanges"]],
        )
        grade = ctx.store.save_grade(state["session_id"], turn, ctx.judge.grade(request))
    return {"current": {**current, "grade": grade.model_dump(mode="json")}}


def decide(state: InterviewState, runtime: Runtime[InterviewContext]) -> dict[str, Any]:
    """Follow up on the biggest gap, or close the question and adapt the level of the next one."""
    ctx = runtime.context
    current = state["current"]
    assert current is not None and current["grade"] is not None
    grade = Grade.model_validate(current["grade"])
    question = ctx.bank.question(current["question_id"])
    follow_ups = len(current["exchanges"]) - 1
    elapsed = time.time() - current["started_at"]
    if (
        follow_ups < ctx.max_follow_ups
        and elapsed <= question.time_budget_s * QUESTION_OVERRUN
        and not _session_over(state)
    ):
        gap = choose_gap(question, ctx.bank.rubric_for(question), grade, set(current["probed"]))
        if gap is not None:
            turn = state["next_turn"]
            pending: PendingPrompt = {
                "turn": turn,
                "question_id": question.id,
                "kind": "follow-up",
                "prompt": gap.prompt,
                "gap_kind": gap.kind,
                "gap_id": gap.id,
                "gap_about": gap.about,
                "number": len(state["results"]) + 1,
                "total": len(state["plan"]),
            }
            return {
                "current": {**current, "probed": [*current["probed"], gap.id]},
                "pending": pending,
                "next_turn": turn + 1,
                "next_action": "ask",
            }
    result = {
        "question_id": question.id,
        "level": question.level.value,
        "overall": grade.overall,
        "turns": [e["turn"] for e in current["exchanges"]],
    }
    return {
        "results": [*state["results"], result],
        "level": next_level(Level(state["level"]), grade.overall).value,
        "current": None,
        "next_action": "select",
    }


def wrap_up(state: InterviewState, runtime: Runtime[InterviewContext]) -> dict[str, Any]:
    """Close the session with its summary. Idempotent: completing twice stores the same summary."""
    results = state["results"]
    overall = round(mean(r["overall"] for r in results)) if results else None
    summary = {
        "questions": len(results),
        "planned": len(state["plan"]),
        "overall": overall,
        "final_level": state["level"],
        "results": results,
        "ended_early": len(results) < len(state["plan"]),
    }
    runtime.context.store.complete_session(state["session_id"], overall, summary)
    return {"summary": summary, "pending": None, "next_action": "done"}


def _session_over(state: InterviewState) -> bool:
    budget = state.get("session_budget_s")
    return budget is not None and budget > 0 and time.time() - state["started_at"] > budget
