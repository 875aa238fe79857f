"""Speech for the browser: transcribe a recorded answer for review, speak the questions.

Thin on purpose: ``interviewer.speech`` does the work (decoding, Whisper, flagging, delivery,
Piper); this module adapts its results to what the page shows.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path

from interviewer.bank import Bank, Track
from interviewer.errors import AudioError
from interviewer.settings import Settings
from interviewer.speech import AnswerTranscriber, FlagReason, SpokenAnswer, SttConfig

log = logging.getLogger(__name__)

#: HighlightedText category of a word the engine was unsure of.
UNSURE = "unsure"
#: Colours of the categories; a "did you mean ...?" category gets the same amber.
COLOR_MAP = {UNSURE: "#f59e0b"}


class VoiceSupport:
    """One transcriber and one voice for every session (each loads its model once)."""

    def __init__(self, transcriber: AnswerTranscriber, tts_dir: Path) -> None:
        self.transcriber = transcriber
        self.tts_dir = tts_dir
        self._tts_lock = threading.Lock()
        self._tts_failed = False

    @classmethod
    def from_settings(cls, settings: Settings, bank: Bank, tts_dir: Path) -> VoiceSupport:
        """The configured engine (ConfigError for a bad ``[stt]`` setting)."""
        return cls(AnswerTranscriber(SttConfig.from_mapping(settings.stt), bank), tts_dir)

    @property
    def engine_label(self) -> str:
        model = self.transcriber.transcriber.model
        return f"{self.transcriber.transcriber.engine} ({model})"

    def warm_up(self) -> None:
        """Load Whisper and the Piper voice now rather than on the first answer."""
        self.transcriber.load()
        self.speak("Ready.")

    def transcribe(self, path: str, track: str, question_id: str | None) -> SpokenAnswer:
        """Transcribe a recording; AudioError (one line) when it cannot be used."""
        try:
            return self.transcriber.transcribe(path, Track(track), question_id)
        except AudioError as exc:
            # The message names the server's upload cache path: say "the recording" instead.
            raise AudioError(str(exc).replace(path, "the recording")) from None

    def speak(self, text: str) -> Path | None:
        """The question spoken by Piper as a WAV file, or None when the voice cannot be used
        (the page then falls back to the browser's own speech)."""
        if self._tts_failed:
            return None
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]
        path = self.tts_dir / f"{digest}.wav"
        if path.is_file():
            return path
        try:
            from interviewer.speech.tts import write_wav

            with self._tts_lock:  # one synthesis at a time: they are short, and it bounds memory
                if not path.is_file():
                    tmp = path.with_suffix(".part")
                    write_wav(text, tmp)
                    tmp.replace(path)  # atomic: a half-written file is never served
            return path
        except Exception:  # onnxruntime, a missing voice package: fall back, once, for good
            log.warning("Piper speech failed; the browser's speech is used instead", exc_info=True)
            self._tts_failed = True
            return None


def highlighted_words(spoken: SpokenAnswer) -> list[tuple[str, str | None]]:
    """The transcript as (text, category) pieces for gr.HighlightedText: flagged stretches
    carry a category saying why ("did you mean KV cache?", "unsure"), the rest None."""
    words = spoken.transcript.words
    if not words:
        return [(spoken.transcript.text, None)]
    by_start = {flag.start: flag for flag in spoken.flags}
    pieces: list[tuple[str, str | None]] = []
    i = 0
    while i < len(words):
        flag = by_start.get(i)
        if flag is None:
            pieces.append((words[i].text, None))
            i += 1
            continue
        text = "".join(w.text for w in words[flag.start : flag.end])
        # Keep the space before the stretch outside the highlight: it reads better.
        lead = text[: len(text) - len(text.lstrip())]
        if lead:
            pieces.append((lead, None))
        pieces.append((text.lstrip(), flag_category(flag.reason, flag.suggestion)))
        i = max(flag.end, i + 1)
    return pieces


def flag_category(reason: FlagReason, suggestion: str | None) -> str:
    """The label shown on a flagged stretch."""
    if reason is FlagReason.NEAR_TERM and suggestion:
        return f"did you mean {suggestion}?"
    return UNSURE


def color_map_for(pieces: list[tuple[str, str | None]]) -> dict[str, str]:
    """Every category in ``pieces`` in the one highlight colour (categories are open-ended)."""
    return {category: COLOR_MAP[UNSURE] for _, category in pieces if category}
