"""SIGKILL the terminal interview at random moments, then `interviewer resume`: nothing is lost.

The CLI runs as a real subprocess on a real SQLite database and checkpoint file.
Each kill lands somewhere different (model loading, planning, waiting, grading,
writing); after every resume the stored answers must be exactly the answers
submitted so far, in order, and no question may have been asked twice.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from interviewer.storage import SessionStore, sqlite_url

ANSWERS = [
    f"Answer number {i}: I would start from the data, check the split, and measure before changing anything."
    for i in range(40)
]


def _env(data_dir: Path) -> dict[str, str]:
    return {**os.environ, "INTERVIEWER_DATA_DIR": str(data_dir), "COLUMNS": "160", "INTERVIEWER_CONFIG": "/nonexistent"}


def _answers_file(path: Path, answers: list[str]) -> Path:
    path.write_text("\n---\n".join(answers) + "\n")
    return path


def _cli(args: list[str], data_dir: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "interviewer", *args],
        env=_env(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _check_consistent(store: SessionStore, session_id: str) -> list[str]:
    """Stored answers are a gap-free prefix of ANSWERS, turns are contiguous, no question repeats."""
    turns = store.turns(session_id)
    assert [t.index for t in turns] == list(range(len(turns)))
    answered = [t.answer_text for t in turns if t.answer_text is not None]
    assert answered == ANSWERS[: len(answered)]
    # Only the newest turn may still be waiting for its answer.
    assert all(t.answer_text is not None for t in turns[:-1])
    mains = [t.question_id for t in turns if t.kind == "main"]
    assert len(mains) == len(set(mains)), "a question was asked twice"
    grades = store.grades(session_id)
    assert set(grades) <= {t.index for t in turns if t.answer_text is not None}
    return answered


def _answered(data_dir: Path, session_id: str | None) -> int:
    db = data_dir / "interviewer.db"
    if session_id is None or not db.exists():
        return 0
    with sqlite3.connect(db, timeout=5) as conn:
        row = conn.execute(
            "SELECT COUNT(*) FROM turn WHERE session_id = ? AND answer_text IS NOT NULL", (session_id,)
        ).fetchone()
    return int(row[0])


def _kill_at_random_moment(
    proc: subprocess.Popen[bytes], rng: random.Random, data_dir: Path, session_id: str | None, before: int, attempt: int
) -> bool:
    """SIGKILL the CLI somewhere in its run; False if it finished first.

    Every third kill is at a random time (start-up, model loading, planning); the others come a
    random few milliseconds after the k-th new answer reaches the database, which lands them in
    grading, checkpoint writes and the next question's planning.
    """
    deadline = time.monotonic() + 120
    if session_id is None:
        # Start-up time varies with machine load: wait for the session to exist, then kill
        # somewhere in planning, the first question or its grading.
        db = data_dir / "interviewer.db"
        while proc.poll() is None and time.monotonic() < deadline:
            if db.exists():
                with sqlite3.connect(db, timeout=5) as conn:
                    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
                    if (
                        "interview_session" in tables
                        and conn.execute("SELECT COUNT(*) FROM interview_session").fetchone()[0]
                    ):
                        break
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 1.5))
        if proc.poll() is not None:
            return False
    elif attempt % 3 == 0:
        try:
            proc.wait(timeout=rng.uniform(0.2, 4.0))
            return False
        except subprocess.TimeoutExpired:
            pass
    else:
        target = before + rng.randint(1, 2)
        while proc.poll() is None and _answered(data_dir, session_id) < target and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.08))
        if proc.poll() is not None:
            return False
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return True


@pytest.mark.slow
def test_sigkill_at_random_moments_then_resume_loses_nothing(tmp_path):
    rng = random.Random(20261123)
    data_dir = tmp_path / "data"
    store = None
    session_id = None
    kills = 0
    for attempt in range(20):
        answered = _check_consistent(store, session_id) if session_id else []
        rest = _answers_file(tmp_path / f"answers-{attempt}.txt", ANSWERS[len(answered) :])
        if session_id is None:
            args = ["practice", "--track", "classical-ml", "--level", "mid", "--questions", "5", "--answers", str(rest)]
        else:
            args = ["resume", session_id, "--answers", str(rest)]
        proc = _cli(args, data_dir)
        if _kill_at_random_moment(proc, rng, data_dir, session_id, len(answered), attempt):
            kills += 1
        else:
            assert proc.returncode == 0, proc.stderr.read().decode()
        if store is None and (data_dir / "interviewer.db").exists():
            store = SessionStore(sqlite_url(data_dir / "interviewer.db"))
        if store is not None and session_id is None:
            sessions = store.list_sessions()
            session_id = sessions[0].id if sessions else None
        if session_id and store.get_session(session_id).status == "completed":
            break
        time.sleep(0.1)
    else:
        # Finish without kills if the random kills never let it end.
        rest = _answers_file(tmp_path / "answers-final.txt", ANSWERS[len(_check_consistent(store, session_id)) :])
        final = subprocess.run(
            [sys.executable, "-m", "interviewer", "resume", session_id, "--answers", str(rest)],
            env=_env(data_dir),
            capture_output=True,
            timeout=600,
        )
        assert final.returncode == 0, final.stderr.decode()

    assert kills >= 3, "the test did not kill the CLI often enough to mean anything"
    record = store.get_session(session_id)
    assert record.status == "completed"
    answered = _check_consistent(store, session_id)
    turns = store.turns(session_id)
    assert len(answered) == len(turns)
    assert sorted(store.grades(session_id)) == [t.index for t in turns]
    assert len({t.question_id for t in turns if t.kind == "main"}) == 5
