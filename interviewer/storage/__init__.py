"""Persistence: SQLModel tables for sessions, turns and grades."""

from interviewer.storage.store import SessionStore, sqlite_url
from interviewer.storage.tables import GradeRecord, InterviewSession, Turn

__all__ = ["GradeRecord", "InterviewSession", "SessionStore", "Turn", "sqlite_url"]
