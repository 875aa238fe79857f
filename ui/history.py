"""Past sessions of one visitor: the table, the choices to resume or open, the progress chart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

import pandas as pd
from sqlmodel import Session, col, select

from interviewer.storage import InterviewSession, SessionStore, Turn
from ui.state import Visitor

#: How many sessions the History tab lists (newest first).
HISTORY_LIMIT = 100
COLUMNS = ["started (UTC)", "track", "level", "mode", "status", "answers", "score", "session"]


@dataclass(frozen=True)
class HistoryView:
    rows: list[list[object]]
    #: (label, session id) pairs for the session picker.
    choices: list[tuple[str, str]]
    #: Completed sessions' overall scores over time, per track, for the line chart.
    progress: pd.DataFrame
    #: The newest unfinished session, offered for resuming.
    unfinished: str | None


def visitor_sessions(store: SessionStore, person: Visitor, limit: int = HISTORY_LIMIT) -> list[InterviewSession]:
    """The sessions this visitor may see, newest first."""
    query = select(InterviewSession).order_by(col(InterviewSession.created_at).desc()).limit(limit)
    if person.username is not None:
        query = query.where(InterviewSession.candidate == person.username)
    elif person.owned:
        query = query.where(col(InterviewSession.id).in_(person.owned))
    else:
        return []
    with Session(store.engine) as s:
        return list(s.exec(query).all())


def history_view(store: SessionStore, person: Visitor) -> HistoryView:
    """Everything the History tab shows for this visitor."""
    sessions = visitor_sessions(store, person)
    answered = _answer_counts(store, [s.id for s in sessions])
    rows: list[list[object]] = []
    choices: list[tuple[str, str]] = []
    for record in sessions:
        started = record.created_at.strftime("%Y-%m-%d %H:%M")
        status = "completed" if record.status == "completed" else "unfinished"
        rows.append(
            [
                started,
                record.track,
                record.level,
                record.mode,
                status,
                answered.get(record.id, 0),
                "" if record.overall is None else record.overall,
                record.id,
            ]
        )
        choices.append((f"{started} · {record.track} · {record.level} · {status}", record.id))
    unfinished = next((s.id for s in sessions if s.status != "completed"), None)
    return HistoryView(rows=rows, choices=choices, progress=progress_frame(sessions), unfinished=unfinished)


def progress_frame(sessions: list[InterviewSession]) -> pd.DataFrame:
    """One row per completed, scored session: when, the score, the track (oldest first)."""
    points = [
        {
            "date": (s.created_at if s.created_at.tzinfo else s.created_at.replace(tzinfo=UTC)).replace(tzinfo=None),
            "score": s.overall,
            "track": s.track,
        }
        for s in sessions
        if s.status == "completed" and s.overall is not None
    ]
    frame = pd.DataFrame(points, columns=["date", "score", "track"])
    return frame.sort_values("date") if len(frame) else frame


def _answer_counts(store: SessionStore, ids: list[str]) -> dict[str, int]:
    if not ids:
        return {}
    # One grouped query rather than one per session: the tab refreshes on every visit.
    from sqlalchemy import func

    query = (
        select(Turn.session_id, func.count())
        .where(col(Turn.session_id).in_(ids), col(Turn.answer_text).is_not(None))
        .group_by(Turn.session_id)
    )
    with Session(store.engine) as s:
        return {session_id: int(count) for session_id, count in s.exec(query).all()}
