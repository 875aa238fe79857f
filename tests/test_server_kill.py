"""SIGKILL `interviewer serve` while candidates answer through gradio_client; restart; resume.

Several candidates answer at once, each in its own gradio_client session, over 20 sessions in
all. Meanwhile the test SIGKILLs the server at seeded random moments (some at a random time,
some a few milliseconds after an answer reaches the database, i.e. during grading and
checkpointing), restarts it on the same data folder and port, and the candidates carry on as a
person would: reload the page, open their session from History, and, if their last answer's
call never returned, look at the conversation to see whether it was saved before sending it
again.

The invariant: every answer whose submission returned is in the database exactly once, in
order, in its own session; an answer in flight at a kill is there at most once; turns are
contiguous and the database passes integrity_check. The seed is printed; set
INTERVIEWER_KILL_SEED to replay a failing schedule (thread timing still varies a little).
"""

from __future__ import annotations

import contextlib
import os
import random
import sqlite3
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

import pytest

from tests.app_driver import TRACKS, AppCandidate, Screen, ServedApp, answer_text, check_database
from tests.load_run import PROMPTS_PER_QUESTION

pytestmark = pytest.mark.slow
T = TypeVar("T")

SEED = int(os.environ.get("INTERVIEWER_KILL_SEED", "20261124"))
CANDIDATES = 4
SESSIONS_EACH = 5
KILLS = 4
#: The whole test's bound; every call also has its own timeout.
DEADLINE_S = 600


class Supervisor:
    """The server's lives: candidates take a ticket (the life they call into) before each call,
    so a failed call can be told apart: the server was killed meanwhile, or the app failed."""

    def __init__(self, app: ServedApp) -> None:
        self.app = app
        self._cond = threading.Condition()
        self._up = True
        self._life = 0

    def ticket(self, timeout: float) -> int:
        with self._cond:
            if not self._cond.wait_for(lambda: self._up, timeout=timeout):
                raise TimeoutError("the server did not come back")
            return self._life

    def killed_since(self, ticket: int) -> bool:
        with self._cond:
            return self._life != ticket

    def kill_and_restart(self) -> None:
        with self._cond:
            self._up = False
            self._life += 1
        self.app.sigkill()
        self.app.start()
        with self._cond:
            self._up = True
            self._cond.notify_all()


@dataclass
class Record:
    """What one candidate knows, to compare with the database afterwards."""

    name: str
    #: Session id -> the answers known to be saved: acknowledged, or seen in the resumed conversation.
    saved: dict[str, list[str]] = field(default_factory=dict)
    acknowledged: int = 0
    #: Answers in flight at a kill: found saved in the resumed conversation, or sent again.
    found_after_kill: int = 0
    sent_again: int = 0
    completed: set[str] = field(default_factory=set)
    resumes: int = 0
    error: str | None = None


class KilledCandidate:
    """A candidate who keeps going across server kills: every call goes through ``_call``."""

    def __init__(self, sup: Supervisor, index: int, deadline: float) -> None:
        self.sup = sup
        self.index = index
        self.deadline = deadline
        self.record = Record(name=f"cand-{index:02d}")
        self.driver = AppCandidate(sup.app.url, self.record.name, call_timeout=120, deadline=deadline)
        #: The server life this candidate's page was loaded from (None: no page yet).
        self.page_life: int | None = None
        self.answers_given = 0

    def run(self) -> None:
        try:
            for s in range(SESSIONS_EACH):
                track = TRACKS[(self.index + s) % len(TRACKS)]
                self._interview(track, questions=1 + (self.index + s) % 2)
        except Exception:  # recorded: the main thread reports every candidate's failure
            self.record.error = traceback.format_exc(limit=-6)

    def _interview(self, track: str, questions: int) -> None:
        # A start killed in flight leaves at most a session this browser never heard of: start again.
        screen = self._survive(partial(self.driver.start, track, questions))
        session = self.driver.session_id
        assert session is not None and session not in self.record.saved
        saved = self.record.saved[session] = []
        pending: str | None = None  # an answer whose call did not return
        while not screen.finished:
            if not self._page_alive():
                screen = self._survive(partial(self.driver.reopen, session))
                self.record.resumes += 1
                # A finished session shows no conversation; it cannot finish without the pending answer.
                if pending is not None and (screen.finished or pending in screen.answers_shown):
                    saved.append(pending)
                    self.record.found_after_kill += 1
                    pending = None
                continue
            assert len(saved) < questions * PROMPTS_PER_QUESTION, "more prompts than the interview allows"
            asked = screen.turn
            if pending is None:
                self.answers_given += 1
                pending = answer_text(self.record.name, self.answers_given)
            else:
                self.record.sent_again += 1
            try:
                screen = self._call(partial(self.driver.submit, pending))
            except _Killed:
                continue
            saved.append(pending)
            self.record.acknowledged += 1
            pending = None
            assert screen.finished or screen.turn == (asked or 0) + 1, f"turn {asked} answered, then {screen.turn}"
            # The page refreshes History after each step; a kill there only means reloading.
            with contextlib.suppress(_Killed):
                self._call(self.driver.history)
        self.record.completed.add(session)

    def _survive(self, step: Callable[[], Screen]) -> Screen:
        """Run ``step`` on a freshly loaded page until a server life lets it finish."""
        while True:
            try:
                return self._call(step, fresh_page=True)
            except _Killed:
                continue

    def _page_alive(self) -> bool:
        return self.page_life is not None and not self.sup.killed_since(self.page_life)

    def _call(self, step: Callable[[], T], fresh_page: bool = False) -> T:
        """``step`` on the current page; _Killed if a kill interrupted it or killed the page's server.

        ``fresh_page``: load the page again first if its server is gone. Steps that need what the
        page holds on the server (the open question) cannot run on a new page: they get _Killed,
        and the candidate reopens the session.
        """
        ticket = self.sup.ticket(timeout=max(1.0, self.deadline - time.monotonic()))
        try:
            if self.page_life != ticket:
                if not fresh_page:
                    raise _Killed("the server restarted since the page was loaded")
                self.driver.connect()
                self.page_life = ticket
            return step()
        except _Killed:
            raise
        except Exception as exc:
            if not self.sup.killed_since(ticket):
                raise  # the server was up all along: a real failure
            raise _Killed from exc


class _Killed(Exception):
    """The call failed because the server was killed during it."""


def _answered(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM turn WHERE answer_text IS NOT NULL").fetchone()[0])
    except sqlite3.Error:
        return 0


def _wait_for_kill_moment(rng: random.Random, app: ServedApp, kill: int, busy: Callable[[], bool]) -> str:
    """Even kills: a random time. Odd kills: a random few ms after the next k-th answer is stored,
    while the server grades it and writes checkpoints."""
    if kill % 2 == 0:
        delay = rng.uniform(0.5, 6.0)
        time.sleep(delay)
        return f"after {delay:.2f} s"
    target = _answered(app.db_path) + rng.randint(1, 3)
    limit = time.monotonic() + 90
    while busy() and _answered(app.db_path) < target and time.monotonic() < limit:
        time.sleep(0.005)
    delay = rng.uniform(0.0, 0.15)
    time.sleep(delay)
    return f"{delay * 1000:.0f} ms after answer #{target} was stored"


def test_server_sigkill_loses_no_acknowledged_answer(tmp_path: Path) -> None:
    print(f"server-kill seed {SEED}: replay with INTERVIEWER_KILL_SEED={SEED}")
    rng = random.Random(SEED)
    deadline = time.monotonic() + DEADLINE_S
    app = ServedApp(tmp_path / "data", tmp_path)
    app.start()
    sup = Supervisor(app)
    candidates = [KilledCandidate(sup, i, deadline) for i in range(CANDIDATES)]
    threads = [threading.Thread(target=c.run, name=c.record.name, daemon=True) for c in candidates]
    kills: list[str] = []
    try:
        for thread in threads:
            thread.start()
        time.sleep(rng.uniform(1.0, 3.0))

        def busy() -> bool:
            return any(t.is_alive() for t in threads)

        while len(kills) < KILLS and busy() and time.monotonic() < deadline:
            moment = _wait_for_kill_moment(rng, app, len(kills), busy)
            if not busy():
                break
            sup.kill_and_restart()
            kills.append(moment)
            print(f"kill {len(kills)}: {moment}")
        for thread in threads:
            thread.join(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        app.stop()

    records = [c.record for c in candidates]
    context = f"seed {SEED}, kills {kills}\n{app.log_tail()}"
    assert [r.error for r in records if r.error] == [], context
    assert not any(t.is_alive() for t in threads), f"candidates still running at the deadline; {context}"
    assert len(kills) >= 3, f"only {len(kills)} kills landed while candidates answered; {context}"
    completed = set().union(*(r.completed for r in records))
    assert len(completed) == CANDIDATES * SESSIONS_EACH >= 20
    assert sum(r.resumes for r in records) >= 1, "no candidate ever had to resume"
    print(
        f"{len(completed)} sessions, {sum(r.acknowledged for r in records)} answers acknowledged, "
        f"{sum(r.found_after_kill for r in records)} in flight at a kill and found saved, "
        f"{sum(r.sent_again for r in records)} sent again, {sum(r.resumes for r in records)} resumes"
    )
    expected = {sid: answers for r in records for sid, answers in r.saved.items()}
    assert check_database(app.db_path, expected, completed) == [], context
