"""What every browser session shares: one service, one speech pipeline, one work folder.

Models load once per process (the judge's, Whisper, the Piper voice) and every candidate's
events use the same instances; the Gradio queue decides how many run at once.
"""

from __future__ import annotations

import logging
import secrets
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from interviewer.service import InterviewService
from interviewer.settings import Settings
from ui.voice import VoiceSupport

log = logging.getLogger(__name__)


@dataclass
class UiContext:
    """The app's shared, thread-safe parts."""

    service: InterviewService
    settings: Settings
    #: None when spoken answers cannot be offered (the speech engine failed to set up).
    voice: VoiceSupport | None
    #: Files the page serves: synthesized questions, report downloads. Under the temp folder,
    #: which Gradio may serve from.
    work_dir: Path
    #: True when the server asks for a login: sessions then belong to user names.
    auth_enabled: bool = False
    #: Key for the browser-side list of a visitor's sessions (so it cannot be forged).
    browser_secret: str = ""

    @property
    def judge_label(self) -> str:
        """The judge in use, as the setup screen names it."""
        judge = self.service.judge
        model = str(getattr(judge, "model", "") or "")
        return judge.provider + (f" ({model})" if model else "")

    def audio_dir(self, session_id: str) -> Path:
        """Where the recordings of a session's spoken answers are kept (beside the database)."""
        return self.settings.data_dir / "audio" / session_id


def make_context(
    service: InterviewService, settings: Settings, auth_enabled: bool = False, voice: VoiceSupport | None = None
) -> UiContext:
    """A context for ``service``; speech is set up from ``settings`` unless ``voice`` is given."""
    work_dir = Path(tempfile.mkdtemp(prefix="mock-interviewer-ui-"))
    if voice is None:
        voice = VoiceSupport.from_settings(settings, service.bank, work_dir / "tts")
    return UiContext(
        service=service,
        settings=settings,
        voice=voice,
        work_dir=work_dir,
        auth_enabled=auth_enabled,
        browser_secret=_browser_secret(settings),
    )


def warm_up(context: UiContext) -> threading.Thread:
    """Load the models in the background, so the first candidate does not wait for them."""

    def run() -> None:
        try:
            if context.service.judge.provider == "rubric":
                from interviewer.judge.embeddings import load_embedder

                load_embedder()
            if context.voice is not None:
                context.voice.warm_up()
        except Exception:  # a failed warm-up only means the first answer loads the model itself
            log.warning("model warm-up failed", exc_info=True)

    thread = threading.Thread(target=run, name="ui-warm-up", daemon=True)
    thread.start()
    return thread


def _browser_secret(settings: Settings) -> str:
    # Kept in the data folder so a visitor's list of sessions survives a server restart.
    path = settings.data_dir / "ui-secret"
    try:
        if path.is_file():
            return path.read_text(encoding="utf-8").strip()
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        value = secrets.token_urlsafe(32)
        path.write_text(value, encoding="utf-8")
        path.chmod(0o600)
        return value
    except OSError:
        # A read-only data folder: lists then last until the server restarts.
        return secrets.token_urlsafe(32)
