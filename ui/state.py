"""What one browser tab holds between events, and who may open which session.

Two kinds of visitor:

* **Logged in** (the server runs with ``--auth``): sessions are stored with ``candidate`` set
  to the user name, and a user sees exactly the sessions stored under that name.
* **Anonymous**: the ids of the sessions a browser started are kept in its local storage
  (``gr.BrowserState``), each signed with the server's key, and it sees only those. The signature
  is what counts: the API accepts any JSON as the browser value, so an id without a valid
  signature (typed in, or guessed) opens nothing.
"""

from __future__ import annotations

import hashlib
import hmac
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


def _signed(session_id: str, secret: str) -> str:
    mac = hmac.new(secret.encode(), session_id.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{session_id}.{mac}"


def visitor(request: Any, browser: Any, secret: str) -> Visitor:
    """The visitor behind a request (``gr.Request``) and its browser state (a dict or None);
    only the session ids signed with ``secret`` count."""
    username = getattr(request, "username", None) or None
    entries = browser.get("sessions", []) if isinstance(browser, dict) else []
    owned = []
    for entry in entries:
        if isinstance(entry, str) and "." in entry:
            session_id = entry.rsplit(".", 1)[0]
            if hmac.compare_digest(_signed(session_id, secret), entry):
                owned.append(session_id)
    return Visitor(username=username, owned=owned)


def browser_value(person: Visitor, secret: str) -> dict[str, list[str]]:
    """What goes back into the browser's local storage: the owned ids, signed."""
    return {"sessions": [_signed(s, secret) for s in person.owned]}


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
