"""What one browser tab holds between events, and who may open which session.

Two kinds of visitor:

* **Logged in** (the server runs with ``--auth``): sessions are stored with ``candidate`` set
  to the user name, and a user sees exactly the sessions stored under that name.
* **Anonymous**: the ids of the sessions a browser started are kept in its local storage
  (``gr.BrowserState``, encrypted with a server key so a page cannot add ids it was not given),
  and it sees only those.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from interviewer.delivery import DeliveryMetrics
from interviewer.errors import SessionNotFound
from interviewer.graph import PendingPrompt
from interviewer.storage import InterviewSession, SessionStore

#: How many session ids an anonymous browser remembers (the newest).
MAX_OWNED = 200


@dataclass(frozen=True)
class Draft:
    """A transcribed answer waiting for the candidate to check and submit it."""

    #: The turn it answers: a draft is never attached to another question.
    turn: int
    audio_path: str
    transcript_raw: str
    delivery: DeliveryMetrics


@dataclass
class TabState:
    """The interview on screen in one browser tab (held in ``gr.State``)."""

    session_id: str | None = None
    track: str = ""
    mode: str = "text"
    prompt: PendingPrompt | None = None
    draft: Draft | None = None
    #: Unix time the session started and its time budget (seconds), for the clock.
    started_at: float = 0.0
    budget_s: int | None = None

    @property
    def active(self) -> bool:
        return self.session_id is not None and self.prompt is not None


@dataclass
class Visitor:
    """Who is asking: a logged-in user name, or the sessions an anonymous browser started."""

    username: str | None = None
    owned: list[str] = field(default_factory=list)

    @property
    def candidate(self) -> str | None:
        """What new sessions are stored under."""
        return self.username

    def may_open(self, record: InterviewSession) -> bool:
        if self.username is not None:
            return record.candidate == self.username
        return record.id in self.owned

    def remember(self, session_id: str) -> None:
        if session_id not in self.owned:
            self.owned = [*self.owned, session_id][-MAX_OWNED:]


def visitor(request: Any, browser: Any) -> Visitor:
    """The visitor behind a request (``gr.Request``) and its browser state (a dict or None)."""
    username = getattr(request, "username", None) or None
    owned = browser.get("sessions", []) if isinstance(browser, dict) else []
    return Visitor(username=username, owned=[str(s) for s in owned if isinstance(s, str)])


def browser_value(person: Visitor) -> dict[str, list[str]]:
    """What goes back into the browser's local storage."""
    return {"sessions": list(person.owned)}


def owned_session(store: SessionStore, person: Visitor, session_id: str) -> InterviewSession:
    """The session if this visitor may open it; SessionNotFound otherwise (the same message
    either way, so ids of other people's sessions cannot be probed)."""
    try:
        record = store.get_session(session_id)
    except SessionNotFound:
        record = None
    if record is None or not person.may_open(record):
        raise SessionNotFound(f"no interview session '{session_id}' of yours")
    return record
