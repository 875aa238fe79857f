"""The whole interviewer graph through the real SQLite checkpointer and the real offline judge."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.bank import ROLE_TRACKS, Bank, Level, Track
from interviewer.errors import AnswerError
from interviewer.judge.base import GradingRequest, Judge
from interviewer.judge.grade import Grade
from interviewer.service import InterviewService, Step, open_checkpointer
from interviewer.storage import SessionStore, sqlite_url

POOR_ANSWER = "Honestly I have not worked with this much, so I would have to look it up."


@pytest.fixture(scope="module")
def rubric_judge():
    from interviewer.judge.rubric_judge import RubricJudge

    return RubricJudge()


def make_service(tmp_path: Path, bank: Bank, judge: Judge, max_follow_ups: int = 2) -> InterviewService:
    store = SessionStore(sqlite_url(tmp_path / "interviewer.db"))
    return InterviewService(bank, judge, store, open_checkpointer(str(tmp_path / "checkpoints.db")), max_follow_ups)


def complete_answer(bank: Bank, question_id: str) -> str:
    """An answer that states every key point of the question's rubric."""
    rubric = bank.rubric_for(bank.question(question_id))
    return " ".join(k.statement for k in rubric.key_points)


def run_interview(service: InterviewService, step: Step, answer_for) -> Step:
    for _ in range(100):
        if step.finished:
            return step
        step = service.answer(step.session_id, answer_for(step.prompt))
    raise AssertionError("interview did not finish")


@pytest.mark.slow
@pytest.mark.parametrize("track", ROLE_TRACKS, ids=lambda t: t.value)
def test_scripted_interview_completes_on_every_track(tmp_path, shipped_bank, rubric_judge, track):
    service = make_service(tmp_path, shipped_bank, rubric_judge)
    step = service.start(track, Level.MID, 5)

    def answer(prompt):
        # Complete answers to odd questions, poor ones to even: follow-ups only for the poor ones.
        if prompt["number"] % 2:
            return complete_answer(shipped_bank, prompt["question_id"])
        return POOR_ANSWER

    final = run_interview(service, step, answer)
    assert final.summary["questions"] == 5
    turns = service.store.turns(final.session_id)
    mains = [t for t in turns if t.kind == "main"]
    assert len(mains) == 5 and len({t.question_id for t in mains}) == 5
    assert any(shipped_bank.question(t.question_id).tracks == [Track.CORE] for t in mains)
    assert any(track in shipped_bank.question(t.question_id).tracks for t in mains)
    grades = service.store.grades(final.session_id)
    assert sorted(grades) == [t.index for t in turns]  # every answer graded, exactly once
    for number, main in enumerate(mains, start=1):
        follow_ups = [t for t in turns if t.kind == "follow-up" and t.question_id == main.question_id]
        if number % 2:
            assert follow_ups == [], f"complete answer to {main.question_id} got follow-ups"
        else:
            assert 1 <= len(follow_ups) <= 2, main.question_id
            rubric = shipped_bank.rubric_for(shipped_bank.question(main.question_id))
            for f in follow_ups:
                assert f.gap_kind == "key_point" and rubric.key_point(f.gap_id) is not None
    record = service.store.get_session(final.session_id)
    assert record.status == "completed" and record.overall == final.summary["overall"]


def test_follow_ups_probe_missed_points_and_respect_the_limit(tmp_path, shipped_bank, rubric_judge):
    service = make_service(tmp_path, shipped_bank, rubric_judge, max_follow_ups=1)
    step = service.start(Track.CLASSICAL_ML, Level.MID, 2)
    final = run_interview(service, step, lambda p: POOR_ANSWER)
    turns = service.store.turns(final.session_id)
    per_question: dict[str, int] = {}
    for t in turns:
        if t.kind == "follow-up":
            per_question[t.question_id] = per_question.get(t.question_id, 0) + 1
    assert per_question and all(n == 1 for n in per_question.values())


def test_strong_answers_raise_the_level_and_weak_ones_lower_it(tmp_path, shipped_bank, rubric_judge):
    service = make_service(tmp_path, shipped_bank, rubric_judge, max_follow_ups=0)
    strong = run_interview(
        service,
        service.start(Track.LLM_APP, Level.JUNIOR, 3),
        lambda p: complete_answer(shipped_bank, p["question_id"]),
    )
    assert strong.summary["final_level"] != "junior"
    weak = run_interview(service, service.start(Track.LLM_APP, Level.SENIOR, 3), lambda p: POOR_ANSWER)
    assert weak.summary["final_level"] != "senior"


def test_plan_avoids_questions_from_recent_sessions(tmp_path, shipped_bank, rubric_judge):
    service = make_service(tmp_path, shipped_bank, rubric_judge, max_follow_ups=0)
    first = run_interview(service, service.start(Track.AGENTS, Level.MID, 4), lambda p: POOR_ANSWER)
    second = service.start(Track.AGENTS, Level.MID, 4)
    seen = {t.question_id for t in service.store.turns(first.session_id)}
    assert second.prompt["question_id"] not in seen
    import json

    planned = json.loads(service.store.get_session(second.session_id).plan_json)
    assert not seen & set(planned)


class _CrashingJudge:
    """Wraps a real judge and fails its first call, as a process killed mid-grading would."""

    def __init__(self, inner: Judge) -> None:
        self.inner = inner
        self.provider = inner.provider
        self.calls = 0

    def grade(self, request: GradingRequest) -> Grade:
        self.calls += 1
        if self.calls == 1:
            raise RuntimeError("killed while grading")
        return self.inner.grade(request)


def test_an_answer_is_stored_before_grading_and_grading_resumes(tmp_path, shipped_bank, rubric_judge):
    crashing = _CrashingJudge(rubric_judge)
    service = make_service(tmp_path, shipped_bank, crashing)
    step = service.start(Track.MULTIMODAL, Level.MID, 2)
    with pytest.raises(RuntimeError, match="killed while grading"):
        service.answer(step.session_id, "My answer that must never be lost.")
    assert service.store.turn(step.session_id, 0).answer_text == "My answer that must never be lost."
    assert service.store.grades(step.session_id) == {}

    # A new process (new service over the same files) picks up where the crash left off.
    resumed = make_service(tmp_path, shipped_bank, rubric_judge).current(step.session_id)
    assert resumed.prompt is not None and resumed.prompt["turn"] == 1
    turns = service.store.turns(step.session_id)
    assert [t.index for t in turns] == [0, 1]
    assert 0 in service.store.grades(step.session_id)


def test_bad_answers_are_refused_and_change_nothing(tmp_path, shipped_bank, rubric_judge):
    service = make_service(tmp_path, shipped_bank, rubric_judge)
    step = service.start(Track.ML_INFRA, Level.MID, 1)
    for bad in ["", "   \n\t ", "\x00\x07", "x" * 20_001]:
        with pytest.raises(AnswerError):
            service.answer(step.session_id, bad)
    assert service.store.turn(step.session_id, 0).answer_text is None
    assert service.current(step.session_id).prompt == step.prompt


def test_a_database_from_an_earlier_version_gains_new_columns(tmp_path):
    import sqlite3

    db = tmp_path / "old.db"
    with sqlite3.connect(db) as conn:
        conn.execute(
            "CREATE TABLE interview_session (id VARCHAR(40) PRIMARY KEY, created_at DATETIME, updated_at DATETIME,"
            " track VARCHAR(40), level VARCHAR(20), n_questions INTEGER, mode VARCHAR(20), judge_provider VARCHAR(40),"
            " judge_model VARCHAR(200), status VARCHAR(20), overall INTEGER, plan_json TEXT NOT NULL, summary_json TEXT)"
        )
        conn.execute(
            "INSERT INTO interview_session VALUES ('old1', '2026-01-01', '2026-01-01', 'agents', 'mid', 3, 'text',"
            " 'rubric', '', 'completed', 71, '[]', NULL)"
        )
    store = SessionStore(sqlite_url(db))
    record = store.get_session("old1")
    assert record.overall == 71 and record.candidate is None
