"""A full disk or a read-only database, met by the `interviewer` CLI as a user runs it.

One line on stderr naming the problem, exit code 2, no traceback; an answer that could not be
saved is shown back; after the fault is removed `interviewer resume ID` asks the same question
again and finishes, with every answer saved before intact and both databases whole.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from interviewer.bank import Level, Track
from interviewer.storage import SessionStore, sqlite_url

from .conftest import run_cli
from .storage_faults_tools import (
    ANSWERS,
    answers_so_far,
    assert_intact,
    close,
    fill,
    make_service,
    remount,
    set_immutable,
    small_disk,
    store_with_answer,
)

#: No follow-ups (so each answer is one question); the rest as in CI: no config file.
CLI_ENV = {"INTERVIEWER_MAX_FOLLOW_UPS": "0"}


@pytest.fixture(scope="module")
def judge():
    from interviewer.judge.rubric_judge import RubricJudge

    return RubricJudge()


def _one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


def _seed_session(bank, judge, disk: Path, answered: int) -> str:
    """A two-question session on ``disk`` with ``answered`` answers saved, its files closed."""
    service = make_service(bank, judge, disk)
    step = service.start(Track.CLASSICAL_ML, Level.MID, 2)
    for answer in ANSWERS[:answered]:
        step = service.answer(step.session_id, answer)
    close(service)
    return step.session_id


def _resume(disk: Path, tmp_path: Path, session_id: str, answers: list[str]) -> subprocess.CompletedProcess[str]:
    answers_file = tmp_path / "answers.txt"
    answers_file.write_text("\n---\n".join(answers) + "\n")
    return run_cli(disk, "resume", session_id, "--answers", str(answers_file), env=CLI_ENV, columns=1000)


def _open_store(disk: Path) -> SessionStore:
    return SessionStore(sqlite_url(disk / "interviewer.db"))


@pytest.mark.slow
@pytest.mark.parametrize("earlier", [False, True], ids=["first-run", "earlier-session"])
def test_cli_practice_on_full_disk(tmp_path, earlier):
    with small_disk(tmp_path / "disk") as disk:
        if earlier:
            store_with_answer(disk).engine.dispose()
        filler = fill(disk)
        done = run_cli(disk, "practice", "--questions", "2", "--answers", os.devnull, env=CLI_ENV, columns=1000)
        assert done.returncode == 2
        assert _one_error_line(done.stderr) == (
            f"error: the disk is full: cannot write the database {disk}/interviewer.db. Free some space, then try again."
        )

        filler.unlink()
        store = _open_store(disk)
        assert [s.id for s in store.list_sessions()] == (["s1"] if earlier else [])
        if earlier:
            assert answers_so_far(store, "s1") == ANSWERS[:1]
        store.engine.dispose()
        assert_intact(disk / "interviewer.db")


class _Typist:
    """`interviewer practice` in a terminal-like pipe: waits for each answer prompt, then types."""

    PROMPT = "Your answer (finish with an empty line"

    def __init__(self, disk: Path, *args: str) -> None:
        env = {
            **os.environ,
            **CLI_ENV,
            "INTERVIEWER_DATA_DIR": str(disk),
            "INTERVIEWER_CONFIG": str(disk / "no-config.toml"),
            "COLUMNS": "1000",
            "PYTHONUNBUFFERED": "1",  # each prompt reaches the pipe when printed
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "interviewer", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.out: list[str] = []
        self._reader = threading.Thread(target=lambda: self.out.extend(self.proc.stdout or []), daemon=True)
        self._reader.start()

    def wait_for_prompt(self, count: int) -> None:
        deadline = time.monotonic() + 600
        while "".join(self.out).count(self.PROMPT) < count:
            assert self.proc.poll() is None, "".join(self.out) + (self.proc.stderr.read() if self.proc.stderr else "")
            assert time.monotonic() < deadline, "the CLI never asked for an answer"
            time.sleep(0.05)

    def type(self, answer: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(answer + "\n\n")
        self.proc.stdin.flush()

    def finish(self) -> tuple[int, str, str]:
        assert self.proc.stdin is not None and self.proc.stderr is not None
        self.proc.stdin.close()
        code = self.proc.wait(timeout=600)
        self._reader.join(timeout=60)
        return code, "".join(self.out), self.proc.stderr.read()


@pytest.mark.slow
def test_cli_full_disk_mid_interview_then_resume(tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        typist = _Typist(disk, "practice", "--track", "classical-ml", "--questions", "2")
        typist.wait_for_prompt(1)
        typist.type(ANSWERS[0])
        typist.wait_for_prompt(2)
        filler = fill(disk)
        typist.type(ANSWERS[1])
        code, out, err = typist.finish()
        assert code == 2, out + err
        assert _one_error_line(err).startswith(
            f"error: the disk is full: cannot write the database {disk}/interviewer.db"
        )
        # The answer that could not be saved is shown back, whole, with the way to go on.
        shown = out.split("Your answer was NOT saved.", 1)[1]
        assert "interviewer resume" in shown and ANSWERS[1] in shown

        filler.unlink()
        store = _open_store(disk)
        (record,) = store.list_sessions()
        assert answers_so_far(store, record.id) == ANSWERS[:1]
        asked = store.turn(record.id, 1)
        store.engine.dispose()
        assert_intact(disk / "interviewer.db", disk / "checkpoints.db")

        done = _resume(disk, tmp_path, record.id, ANSWERS[1:2])
        assert done.returncode == 0, done.stderr
        assert asked is not None and asked.prompt.splitlines()[0] in done.stdout  # the same question again
        store = _open_store(disk)
        assert store.get_session(record.id).status == "completed"
        assert answers_so_far(store, record.id) == ANSWERS[:2]
        assert store.turn(record.id, 1).question_id == asked.question_id
        store.engine.dispose()
        assert_intact(disk / "interviewer.db", disk / "checkpoints.db")


@pytest.mark.slow
def test_cli_resume_on_read_only_files_then_writable(tmp_path, shipped_bank, judge):
    with small_disk(tmp_path / "disk") as disk:
        dbs = [disk / "interviewer.db", disk / "checkpoints.db"]
        session_id = _seed_session(shipped_bank, judge, disk, answered=1)
        set_immutable(dbs, on=True)
        done = _resume(disk, tmp_path, session_id, ANSWERS[1:2])
        assert done.returncode == 2, done.stdout + done.stderr
        assert _one_error_line(done.stderr) == (
            f"error: the database is read-only: cannot write {dbs[0]}. Make it writable, then try again. "
            "(nothing already saved was changed)"
        )
        assert ANSWERS[1] in done.stdout.split("Your answer was NOT saved.", 1)[1]

        set_immutable(dbs, on=False)
        done = _resume(disk, tmp_path, session_id, ANSWERS[1:2])
        assert done.returncode == 0, done.stderr
        store = _open_store(disk)
        assert answers_so_far(store, session_id) == ANSWERS[:2]
        store.engine.dispose()
        assert_intact(*dbs)


@pytest.mark.slow
def test_cli_on_read_only_folder_then_writable(tmp_path, shipped_bank, judge):
    with small_disk(tmp_path / "disk") as disk:
        session_id = _seed_session(shipped_bank, judge, disk, answered=1)
        remount(disk, read_only=True)
        expected = (
            f"error: the database is read-only: cannot write {disk}/interviewer.db. Make it writable, then try again."
        )
        done = _resume(disk, tmp_path, session_id, ANSWERS[1:2])
        assert (done.returncode, _one_error_line(done.stderr)) == (2, expected)
        done = run_cli(disk, "practice", "--answers", os.devnull, env=CLI_ENV, columns=1000)
        assert (done.returncode, _one_error_line(done.stderr)) == (2, expected)

        remount(disk, read_only=False)
        done = _resume(disk, tmp_path, session_id, ANSWERS[1:2])
        assert done.returncode == 0, done.stderr
        store = _open_store(disk)
        assert answers_so_far(store, session_id) == ANSWERS[:2]
        assert [s.id for s in store.list_sessions()] == [session_id]
        store.engine.dispose()
        assert_intact(disk / "interviewer.db", disk / "checkpoints.db")
