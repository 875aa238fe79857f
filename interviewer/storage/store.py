"""Reading and writing sessions, turns and grades.

Every write is idempotent (keyed by session and turn index) because graph nodes
re-run from their beginning when a killed interview is resumed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlmodel import Session, SQLModel, col, create_engine, select

from interviewer.delivery import DeliveryMetrics
from interviewer.errors import SessionNotFound, StorageError
from interviewer.judge.grade import Grade
from interviewer.storage.faults import sqlite_file, storage_problem
from interviewer.storage.tables import GradeRecord, InterviewSession, Turn, utcnow


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # WAL: readers never block the writer; a killed process leaves committed rows intact.
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    # psycopg 3 is the driver we ship; a plain postgresql:// URL would ask SQLAlchemy for psycopg2.
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            url = "postgresql+psycopg://" + url.removeprefix(plain)
    return create_engine(url, pool_pre_ping=True)


class SessionStore:
    """The interview database (SQLite file by default, Postgres by URL)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.path = sqlite_file(url)
        try:
            self.engine = _make_engine(url)
            SQLModel.metadata.create_all(self.engine)
            _add_missing_columns(self.engine)
        except SQLAlchemyError as exc:
            raise StorageError(self._problem(exc) or f"cannot open the database: {_reason(exc)}") from None

    def _problem(self, exc: SQLAlchemyError) -> str | None:
        return storage_problem(getattr(exc, "orig", exc), self.path)

    @contextmanager
    def _session(self) -> Iterator[Session]:
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                yield session
        except (SessionNotFound, IntegrityError):
            raise
        except DBAPIError as exc:
            # Each write is one transaction, which SQLite rolls back whole when it fails: a full
            # disk or a read-only file leaves every saved row as it was, and no half-written one.
            problem = self._problem(exc) or f"database error: {_reason(exc)}"
            raise StorageError(f"{problem} (nothing already saved was changed)") from None

    # -- sessions -------------------------------------------------------------------------------

    def create_session(self, record: InterviewSession) -> InterviewSession:
        with self._session() as s:
            existing = s.get(InterviewSession, record.id)
            if existing is not None:
                return existing
            s.add(record)
            s.commit()
            return record

    def get_session(self, session_id: str) -> InterviewSession:
        """The session with this id, or with this unique id prefix (as `sessions` prints them)."""
        with self._session() as s:
            found = s.get(InterviewSession, session_id)
            if found is not None:
                return found
            if len(session_id) >= 4:
                matches = s.exec(
                    select(InterviewSession).where(col(InterviewSession.id).startswith(session_id)).limit(2)
                ).all()
                if len(matches) == 1:
                    return matches[0]
        raise SessionNotFound(f"no interview session '{session_id}' (see `interviewer sessions`)")

    def list_sessions(self, limit: int = 50) -> list[InterviewSession]:
        with self._session() as s:
            query = select(InterviewSession).order_by(col(InterviewSession.created_at).desc()).limit(limit)
            return list(s.exec(query).all())

    def update_session(self, session_id: str, **fields: Any) -> InterviewSession:
        with self._session() as s:
            record = s.get(InterviewSession, session_id)
            if record is None:
                raise SessionNotFound(f"no interview session '{session_id}'")
            for name, value in fields.items():
                setattr(record, name, value)
            record.updated_at = utcnow()
            s.add(record)
            s.commit()
            return record

    def complete_session(self, session_id: str, overall: int | None, summary: dict[str, Any]) -> InterviewSession:
        return self.update_session(session_id, status="completed", overall=overall, summary_json=json.dumps(summary))

    def recent_question_ids(self, sessions: int = 5, exclude: str | None = None) -> set[str]:
        """Main questions asked in the most recent sessions, so a new plan can avoid repeating them."""
        with self._session() as s:
            recent = select(InterviewSession.id).order_by(col(InterviewSession.created_at).desc()).limit(sessions + 1)
            ids = [i for i in s.exec(recent).all() if i != exclude][:sessions]
            if not ids:
                return set()
            query = select(Turn.question_id).where(col(Turn.session_id).in_(ids), Turn.kind == "main")
            return set(s.exec(query).all())

    # -- turns ----------------------------------------------------------------------------------

    def record_question(
        self,
        session_id: str,
        index: int,
        question_id: str,
        kind: str,
        prompt: str,
        gap_kind: str | None = None,
        gap_id: str | None = None,
    ) -> Turn:
        """Store that a question was asked; asking the same turn again returns the stored row."""
        with self._session() as s:
            existing = self._turn(s, session_id, index)
            if existing is not None:
                return existing
            turn = Turn(
                session_id=session_id,
                index=index,
                question_id=question_id,
                kind=kind,
                prompt=prompt,
                gap_kind=gap_kind,
                gap_id=gap_id,
            )
            s.add(turn)
            s.commit()
            return turn

    def record_answer(
        self,
        session_id: str,
        index: int,
        text: str,
        audio_ref: str | None = None,
        transcript_raw: str | None = None,
        delivery: DeliveryMetrics | None = None,
    ) -> Turn:
        """Store the candidate's answer to a turn. The first stored answer wins: it is never overwritten.

        For a spoken answer, ``text`` is the transcript as confirmed by the candidate and
        ``transcript_raw`` what the speech engine heard; both are kept.
        """
        with self._session() as s:
            turn = self._turn(s, session_id, index)
            if turn is None:
                raise StorageError(f"session {session_id} has no turn {index} to answer")
            if turn.answer_text is not None:
                return turn
            now = utcnow()
            turn.answer_text = text
            turn.audio_ref = audio_ref
            turn.transcript_raw = transcript_raw
            turn.delivery_json = delivery.model_dump_json() if delivery is not None else None
            turn.answered_at = now
            asked = turn.asked_at if turn.asked_at.tzinfo else turn.asked_at.replace(tzinfo=now.tzinfo)
            turn.answer_seconds = max(0.0, (now - asked).total_seconds())
            s.add(turn)
            s.commit()
            return turn

    def turn(self, session_id: str, index: int) -> Turn | None:
        with self._session() as s:
            return self._turn(s, session_id, index)

    def turns(self, session_id: str) -> list[Turn]:
        with self._session() as s:
            query = select(Turn).where(Turn.session_id == session_id).order_by(col(Turn.index))
            return list(s.exec(query).all())

    @staticmethod
    def _turn(s: Session, session_id: str, index: int) -> Turn | None:
        return s.exec(select(Turn).where(Turn.session_id == session_id, Turn.index == index)).first()

    # -- grades ---------------------------------------------------------------------------------

    def save_grade(self, session_id: str, turn_index: int, grade: Grade) -> Grade:
        """Store a grade; if this turn was graded already (a resumed node), keep and return the first."""
        with self._session() as s:
            existing = s.exec(
                select(GradeRecord).where(GradeRecord.session_id == session_id, GradeRecord.turn_index == turn_index)
            ).first()
            if existing is not None:
                return Grade.model_validate_json(existing.grade_json)
            s.add(
                GradeRecord(
                    session_id=session_id,
                    turn_index=turn_index,
                    question_id=grade.question_id,
                    overall=grade.overall,
                    judge_provider=grade.judge.provider,
                    grade_json=grade.model_dump_json(),
                )
            )
            s.commit()
            return grade

    def replace_grade(self, session_id: str, turn_index: int, grade: Grade) -> None:
        """Overwrite a stored grade (``interviewer regrade``); the answer it grades is untouched."""
        with self._session() as s:
            row = s.exec(
                select(GradeRecord).where(GradeRecord.session_id == session_id, GradeRecord.turn_index == turn_index)
            ).first()
            if row is None:
                raise StorageError(f"session {session_id} has no grade for turn {turn_index}")
            row.overall = grade.overall
            row.judge_provider = grade.judge.provider
            row.grade_json = grade.model_dump_json()
            row.created_at = utcnow()
            s.add(row)
            s.commit()

    def grade_for(self, session_id: str, turn_index: int) -> Grade | None:
        with self._session() as s:
            row = s.exec(
                select(GradeRecord).where(GradeRecord.session_id == session_id, GradeRecord.turn_index == turn_index)
            ).first()
            return Grade.model_validate_json(row.grade_json) if row else None

    def grades(self, session_id: str) -> dict[int, Grade]:
        with self._session() as s:
            rows = s.exec(
                select(GradeRecord).where(GradeRecord.session_id == session_id).order_by(col(GradeRecord.turn_index))
            ).all()
            return {row.turn_index: Grade.model_validate_json(row.grade_json) for row in rows}


def _add_missing_columns(engine: Engine) -> None:
    """Bring a database made by an earlier version up to date.

    New columns are only ever added as nullable, so adding them is the whole migration;
    existing rows keep every value they had.
    """
    existing = inspect(engine)
    with engine.begin() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if not existing.has_table(table.name):
                continue
            present = {c["name"] for c in existing.get_columns(table.name)}
            for column in table.columns:
                if column.name in present:
                    continue
                if not column.nullable:
                    raise StorageError(
                        f"the database lacks column {table.name}.{column.name} and it cannot be added automatically"
                    )
                kind = column.type.compile(dialect=engine.dialect)
                conn.execute(text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}'))


def _reason(exc: SQLAlchemyError) -> str:
    # The driver's own message ("attempt to write a readonly database", "database or disk is full")
    # is what a user can act on; SQLAlchemy's wrapper adds SQL and links.
    orig = getattr(exc, "orig", None)
    return str(orig) if orig is not None else str(exc).splitlines()[0]
