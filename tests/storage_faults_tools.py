"""Real storage faults for tests: a small disk that really fills up, a folder or files that really are read-only.

A tmpfs mounted for the test is the disk: a filler file takes its last byte, so SQLite's next
write gets ENOSPC from the kernel, as on a full disk. SQLite's own limit (PRAGMA max_page_count)
would fake that for one connection only, and not for the CLI's subprocess, so it is not used.
Read-only is a read-only remount of that tmpfs, or `chattr +i` on the database files: the tests
run as root (as CI does), and root writes through any permission bits, so chmod would prove nothing.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from interviewer.bank import Bank
from interviewer.judge.base import Judge
from interviewer.service import InterviewService, open_checkpointer
from interviewer.storage import InterviewSession, SessionStore, sqlite_url

ANSWERS = [
    "I would start from a simple baseline, split the data by time, and measure before tuning anything.",
    "Regularisation trades a little bias for less variance; I would pick its strength by cross-validation.",
    "I would check the labels and the class balance first, then look at the errors the model makes.",
]


def _sh(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, check=False)


@contextmanager
def small_disk(folder: Path, size: str = "16m") -> Iterator[Path]:
    """A fresh tmpfs of ``size`` mounted on ``folder`` for the duration."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root; CI runs the tests as root")
    folder.mkdir(parents=True, exist_ok=True)
    mounted = _sh("mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder))
    assert mounted.returncode == 0, f"cannot mount a tmpfs as root: {mounted.stderr}"
    try:
        yield folder
    finally:
        for path in folder.iterdir():
            _sh("chattr", "-i", str(path))
        # A lazy unmount if a failed test left a file open: the next test gets a clean folder.
        if _sh("umount", str(folder)).returncode != 0:
            _sh("umount", "-l", str(folder))


def fill(folder: Path) -> Path:
    """Take every free byte of the disk holding ``folder``; returns the filler file (delete it to free)."""
    filler = folder / "filler.bin"
    with filler.open("wb", buffering=0) as out:
        for chunk in (1 << 20, 1 << 16, 1 << 12):
            try:
                while True:
                    out.write(b"\0" * chunk)
            except OSError as exc:
                assert exc.errno == 28, exc  # ENOSPC
    assert os.statvfs(folder).f_bavail == 0
    return filler


def remount(folder: Path, read_only: bool) -> None:
    done = _sh("mount", "-o", f"remount,{'ro' if read_only else 'rw'}", str(folder))
    assert done.returncode == 0, done.stderr
    probe = folder / "probe"
    # Proof the fault is real: root itself cannot create a file there now.
    if read_only:
        with pytest.raises(OSError):
            probe.touch()
    else:
        probe.touch()
        probe.unlink()


def set_immutable(paths: list[Path], on: bool) -> None:
    for path in paths:
        done = _sh("chattr", "+i" if on else "-i", str(path))
        assert done.returncode == 0, done.stderr
        if on:  # proof the fault is real: root itself cannot write the file now
            with pytest.raises(PermissionError):
                path.open("ab").close()


def assert_intact(*dbs: Path) -> None:
    """PRAGMA integrity_check passes on every database."""
    for db in dbs:
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", db


def store_with_answer(disk: Path) -> SessionStore:
    """A store on ``disk`` holding session "s1": one answered turn, one waiting for its answer."""
    store = SessionStore(sqlite_url(disk / "interviewer.db"))
    store.create_session(InterviewSession(id="s1", track="llm-app", level="mid", n_questions=2, judge_provider="x"))
    store.record_question("s1", 0, "q0", "main", "First question?")
    store.record_answer("s1", 0, ANSWERS[0])
    store.record_question("s1", 1, "q1", "main", "Second question?")
    return store


def make_service(bank: Bank, judge: Judge, db_dir: Path, checkpoint_dir: Path | None = None) -> InterviewService:
    """A service without follow-ups, so each answer is one question."""
    store = SessionStore(sqlite_url(db_dir / "interviewer.db"))
    checkpointer = open_checkpointer(str((checkpoint_dir or db_dir) / "checkpoints.db"))
    return InterviewService(bank, judge, store, checkpointer, max_follow_ups=0)


def close(service: InterviewService) -> None:
    """Let go of every file the service holds (as a stopped server or a finished CLI does)."""
    service.store.engine.dispose()
    service.graph.checkpointer.conn.close()


def answers_so_far(store: SessionStore, session_id: str) -> list[str]:
    """The stored answers, after checking the turns are whole: contiguous, only the last one open."""
    turns = store.turns(session_id)
    assert [t.index for t in turns] == list(range(len(turns)))
    assert all(t.answer_text is not None for t in turns[:-1])
    assert set(store.grades(session_id)) <= {t.index for t in turns if t.answer_text is not None}
    return [t.answer_text for t in turns if t.answer_text is not None]
