"""Running interviews: start, answer, resume. The one API the terminal and browser fronts use.

The guarantee it keeps: an answer is written to the database before anything
else happens to it, and a session killed at any moment resumes from its last
checkpoint without losing that answer or asking a question twice.
"""

from __future__ import annotations

import sqlite3
import threading
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from langgraph.types import Command

from interviewer.bank import Bank, Level, Track
from interviewer.delivery import DeliveryMetrics
from interviewer.errors import AnswerError, StorageError
from interviewer.graph import InterviewContext, PendingPrompt, compile_graph
from interviewer.judge.base import Judge
from interviewer.judge.grade import Grade
from interviewer.storage import InterviewSession, SessionStore
from interviewer.storage.faults import storage_problem

#: Longest answer accepted, in characters: about 20 minutes of fast speech.
MAX_ANSWER_CHARS = 20_000
#: The stored answer of a turn the candidate skipped. It is graded like any answer (it covers
#: nothing, so it scores 0) but never draws a follow-up.
SKIPPED_ANSWER = "[skipped by candidate]"


@dataclass(frozen=True)
class Step:
    """Where an interview stands after a call: the next prompt, or the summary when it is over."""

    session_id: str
    prompt: PendingPrompt | None
    #: The grade of the answer just given (None at the start and on resume).
    last_grade: Grade | None
    summary: dict[str, Any] | None

    @property
    def finished(self) -> bool:
        return self.prompt is None


def open_checkpointer(url: str) -> Any:
    """A LangGraph checkpointer for a SQLite file path or a Postgres URL."""
    if url.startswith(("postgresql://", "postgres://")):
        return _postgres_checkpointer(url)
    from langgraph.checkpoint.sqlite import SqliteSaver

    path = url.removeprefix("sqlite:///")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, check_same_thread=False, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as exc:
        raise StorageError(_checkpoint_problem(exc, Path(path))) from None
    return SqliteSaver(conn)


def _checkpoint_problem(exc: sqlite3.Error, path: Path | None) -> str:
    return storage_problem(exc, path, "checkpoint store") or f"checkpoint store error ({path}): {exc}"


def _sqlite_file(checkpointer: Any) -> Path | None:
    """The file a SQLite checkpointer writes, to name it in errors; None for Postgres."""
    conn = getattr(checkpointer, "conn", None)
    if not isinstance(conn, sqlite3.Connection):
        return None
    try:
        row = conn.execute("PRAGMA database_list").fetchone()
    except sqlite3.Error:
        return None
    return Path(row[2]) if row and row[2] else None


def _postgres_checkpointer(url: str) -> Any:
    from langgraph.checkpoint.postgres import PostgresSaver
    from psycopg import Connection
    from psycopg.rows import dict_row

    conn = Connection.connect(url, autocommit=True, prepare_threshold=0, row_factory=dict_row)
    saver = PostgresSaver(conn)
    saver.setup()
    return saver


class InterviewService:
    """Starts and drives interviews; safe to share between threads (one lock per session)."""

    def __init__(
        self, bank: Bank, judge: Judge, store: SessionStore, checkpointer: Any, max_follow_ups: int = 2
    ) -> None:
        self.bank = bank
        self.judge = judge
        self.store = store
        self.graph = compile_graph(checkpointer)
        self._checkpoint_file = _sqlite_file(checkpointer)
        self.context = InterviewContext(bank=bank, judge=judge, store=store, max_follow_ups=max_follow_ups)
        # Used for every graph step that follows a skipped turn: no follow-up on a skip.
        self._skip_context = replace(self.context, max_follow_ups=0)
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    # -- public API -----------------------------------------------------------------------------

    def start(
        self,
        track: Track,
        level: Level,
        n_questions: int,
        minutes: float | None = None,
        mode: str = "text",
        session_id: str | None = None,
        candidate: str | None = None,
    ) -> Step:
        if not 1 <= n_questions <= 30:
            raise AnswerError("the number of questions must be between 1 and 30")
        session_id = session_id or uuid.uuid4().hex[:12]
        self.store.create_session(
            InterviewSession(
                id=session_id,
                track=track.value,
                level=level.value,
                n_questions=n_questions,
                mode=mode,
                candidate=candidate,
                judge_provider=self.judge.provider,
                judge_model=str(getattr(self.judge, "model", "")),
            )
        )
        initial = {
            "session_id": session_id,
            "track": track.value,
            "level": level.value,
            "n_questions": n_questions,
            "session_budget_s": int(minutes * 60) if minutes else None,
        }
        with self._session_lock(session_id), self._checkpoint_faults():
            self.graph.invoke(initial, self._config(session_id), context=self.context)
            return self._settle(session_id, last_grade=None)

    def current(self, session_id: str) -> Step:
        """Where the session stands; finishes any step a crash interrupted. This is `resume`."""
        record = self.store.get_session(session_id)
        with self._session_lock(record.id), self._checkpoint_faults():
            return self._settle(record.id, last_grade=None)

    def answer(
        self,
        session_id: str,
        text: str,
        audio_ref: str | None = None,
        transcript_raw: str | None = None,
        delivery: DeliveryMetrics | None = None,
    ) -> Step:
        """Give the answer to the pending prompt: stored first, then graded, then the next prompt.

        Spoken answers pass the confirmed transcript as ``text``, plus the raw transcript, the
        stored audio's path and the measured delivery.
        """
        text = _clean_answer(text)
        record = self.store.get_session(session_id)
        with self._session_lock(record.id):
            with self._checkpoint_faults():
                pending = self._pending(record.id)
                if pending is None:
                    # A fault (full disk, read-only file) stopped the graph after the pending answer
                    # was stored: that was the answer submitted again, so finish the step and go on.
                    step = self._settle(record.id, last_grade=None)
                    if step.finished:
                        raise AnswerError("this interview is not waiting for an answer (it has finished)")
                    return step
            self.store.record_answer(record.id, pending["turn"], text, audio_ref, transcript_raw, delivery)
            try:
                with self._checkpoint_faults():
                    return self._resume_with_stored(record.id, pending)
            except StorageError as exc:
                raise StorageError(f"{exc} Your answer was saved.") from None

    def skip(self, session_id: str) -> Step:
        """Skip the pending question or follow-up: stored as SKIPPED_ANSWER, scored 0, no follow-up."""
        return self.answer(session_id, SKIPPED_ANSWER)

    def end(self, session_id: str) -> Step:
        """End the interview now: questions already answered count, the pending one is dropped.

        The pending turn stays in the database unanswered; the summary marks the session
        ``ended_early``. Ending a finished interview returns its summary.
        """
        record = self.store.get_session(session_id)
        with self._session_lock(record.id), self._checkpoint_faults():
            step = self._settle(record.id, last_grade=None)
            if step.finished:
                return step
            config = self._config(record.id)
            values = self.graph.get_state(config).values
            results = list(values.get("results", []))
            current = values.get("current")
            if current and current.get("grade"):
                # Waiting on a follow-up: the question was graded, so it counts as answered.
                results.append(
                    {
                        "question_id": current["question_id"],
                        "level": current["level"],
                        "overall": current["grade"]["overall"],
                        "turns": [e["turn"] for e in current["exchanges"]],
                    }
                )
            # As if select_question found nothing left to ask: its edge leads to wrap_up. One
            # checkpoint write, so a crash here leaves either the old pending prompt or wrap_up due.
            update = {"results": results, "current": None, "pending": None, "next_action": "wrap_up"}
            self.graph.update_state(config, update, as_node="select_question")
            return self._settle(record.id, last_grade=None)

    # -- internals ------------------------------------------------------------------------------

    def _context_for(self, answer: str | None) -> InterviewContext:
        return self._skip_context if answer == SKIPPED_ANSWER else self.context

    @staticmethod
    def _last_answer(snapshot: Any) -> str | None:
        exchanges = ((snapshot.values or {}).get("current") or {}).get("exchanges") or []
        return exchanges[-1]["answer"] if exchanges else None

    def _resume_with_stored(self, session_id: str, pending: PendingPrompt) -> Step:
        turn = self.store.turn(session_id, pending["turn"])
        assert turn is not None and turn.answer_text is not None
        context = self._context_for(turn.answer_text)
        self.graph.invoke(Command(resume=turn.answer_text), self._config(session_id), context=context)
        return self._settle(session_id, last_grade=self.store.grade_for(session_id, pending["turn"]))

    def _settle(self, session_id: str, last_grade: Grade | None) -> Step:
        """Run the graph until it waits for an answer the database does not already hold, or ends."""
        config = self._config(session_id)
        for _ in range(1000):  # bounded: each pass answers a stored turn or finishes a step
            snapshot = self.graph.get_state(config)
            if not snapshot.values:
                # Killed after the session row was written but before the first checkpoint.
                record = self.store.get_session(session_id)
                initial = {
                    "session_id": session_id,
                    "track": record.track,
                    "level": record.level,
                    "n_questions": record.n_questions,
                    "session_budget_s": None,
                }
                self.graph.invoke(initial, config, context=self.context)
                continue
            pending = self._pending(session_id, snapshot)
            if pending is not None:
                turn = self.store.turn(session_id, pending["turn"])
                if turn is not None and turn.answer_text is not None:
                    # The answer was saved but the crash came before the graph took it.
                    context = self._context_for(turn.answer_text)
                    self.graph.invoke(Command(resume=turn.answer_text), config, context=context)
                    last_grade = self.store.grade_for(session_id, pending["turn"])
                    continue
                return Step(session_id, pending, last_grade, None)
            if snapshot.tasks:
                # Killed inside a node (grading, say), or after a node saved its result but before
                # the next checkpoint (then the task is in `tasks` but not in `next`): run on.
                self.graph.invoke(None, config, context=self._context_for(self._last_answer(snapshot)))
                continue
            return Step(session_id, None, last_grade, snapshot.values.get("summary"))
        raise RuntimeError(f"session {session_id} did not settle")  # pragma: no cover

    def _pending(self, session_id: str, snapshot: Any = None) -> PendingPrompt | None:
        snapshot = snapshot or self.graph.get_state(self._config(session_id))
        for task in snapshot.tasks:
            for intr in task.interrupts:
                return intr.value  # type: ignore[no-any-return]
        return None

    @staticmethod
    def _config(session_id: str) -> dict[str, Any]:
        return {"configurable": {"thread_id": session_id}}

    @contextmanager
    def _checkpoint_faults(self) -> Iterator[None]:
        """The SQLite checkpointer's errors as StorageError; the store raises its own already."""
        try:
            yield
        except sqlite3.Error as exc:
            raise StorageError(_checkpoint_problem(exc, self._checkpoint_file)) from None

    @contextmanager
    def _session_lock(self, session_id: str) -> Iterator[None]:
        with self._locks_guard:
            lock = self._locks.setdefault(session_id, threading.Lock())
        with lock:
            yield


def _clean_answer(text: str) -> str:
    if not isinstance(text, str):
        raise AnswerError("an answer must be text")
    # Control characters (other than newlines and tabs) are noise from pasting, never content.
    cleaned = "".join(ch for ch in text if ch in "\n\t" or ch.isprintable() or ord(ch) > 0x9F)
    cleaned = cleaned.strip()
    # Invisible format characters stay (emoji sequences and some scripts need them), but an answer
    # made of nothing else is empty.
    if not any(unicodedata.category(ch)[0] not in "CZ" for ch in cleaned):
        raise AnswerError("the answer is empty: type an answer and submit again")
    if len(cleaned) > MAX_ANSWER_CHARS:
        raise AnswerError(
            f"the answer is {len(cleaned):,} characters; the limit is {MAX_ANSWER_CHARS:,}. Shorten it and submit again."
        )
    return cleaned
