"""The same storage and interviewer graph on a real PostgreSQL server.

`.ci/run` starts Debian's PostgreSQL and sets INTERVIEWER_TEST_POSTGRES_URL (see .ci/postgres.sh);
locally: `export INTERVIEWER_TEST_POSTGRES_URL=$(sudo bash .ci/postgres.sh)`.
"""

from __future__ import annotations

import os
import uuid

import pytest

from interviewer.bank import Level, Track
from interviewer.service import InterviewService, open_checkpointer
from interviewer.storage import InterviewSession, SessionStore

URL = os.environ.get("INTERVIEWER_TEST_POSTGRES_URL")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not URL, reason="INTERVIEWER_TEST_POSTGRES_URL is not set (.ci/run always sets it)"),
]


def test_store_round_trip_and_idempotent_writes():
    store = SessionStore(URL)
    sid = uuid.uuid4().hex[:12]
    store.create_session(InterviewSession(id=sid, track="agents", level="mid", n_questions=1, judge_provider="rubric"))
    store.create_session(InterviewSession(id=sid, track="other", level="x", n_questions=9, judge_provider="x"))
    assert store.get_session(sid).track == "agents"
    store.record_question(sid, 0, "q1", "main", "Why?")
    store.record_question(sid, 0, "q2", "main", "Changed?")
    first = store.record_answer(sid, 0, "Первый ответ — with non-Latin text 😀")
    again = store.record_answer(sid, 0, "a different, later text")
    assert first.answer_text == again.answer_text == "Первый ответ — with non-Latin text 😀"
    assert [t.question_id for t in store.turns(sid)] == ["q1"]
    assert store.get_session(sid[:8]).id == sid


@pytest.mark.slow
def test_interview_runs_and_resumes_on_postgres(shipped_bank):
    from interviewer.judge.rubric_judge import RubricJudge

    judge = RubricJudge()
    service = InterviewService(shipped_bank, judge, SessionStore(URL), open_checkpointer(URL), max_follow_ups=1)
    step = service.start(Track.LLM_APP, Level.MID, 2)
    step = service.answer(step.session_id, "Temperature zero picks the most likely token at each step.")
    # A second service over the same database stands in for a restarted process.
    other = InterviewService(shipped_bank, judge, SessionStore(URL), open_checkpointer(URL), max_follow_ups=1)
    resumed = other.current(step.session_id)
    assert resumed.prompt == step.prompt
    for _ in range(10):
        if resumed.finished:
            break
        resumed = other.answer(step.session_id, "I would measure it on a held-out set before deciding.")
    assert resumed.finished and resumed.summary["questions"] == 2
    assert other.store.get_session(step.session_id).status == "completed"
