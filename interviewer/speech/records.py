"""Small immutable result records of the speech pipeline (in the manner of faster-whisper's own).

They are frozen dataclasses rather than pydantic models: they are built in the hot path of every
transcription and never validated from outside input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from interviewer.delivery import DeliveryMetrics


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word with its timing in the recording.

    ``text`` keeps what the engine gave, leading space and punctuation included, so that joining
    the words gives the transcript back. ``probability`` is None for engines that report none.
    """

    start: float
    end: float
    text: str
    probability: float | None = None

    @property
    def bare(self) -> str:
        """The word without surrounding spaces and punctuation (inner hyphens and slashes kept)."""
        return self.text.strip().strip(".,!?;:\"'()[]{}…“”‘’-")


@dataclass(frozen=True, slots=True)
class Transcript:
    """What an engine heard in one recording."""

    text: str
    words: tuple[Word, ...]
    language: str
    #: Length of the recording in seconds.
    duration: float
    engine: str
    model: str

    def with_words(self, words: tuple[Word, ...]) -> Transcript:
        """A copy with other words (a correction), its text rebuilt from them."""
        return Transcript(
            text=join_words(words),
            words=words,
            language=self.language,
            duration=self.duration,
            engine=self.engine,
            model=self.model,
        )


def join_words(words: tuple[Word, ...] | list[Word]) -> str:
    """The text the words spell, spacing as the engine gave it."""
    return " ".join("".join(w.text for w in words).split())


class FlagReason(StrEnum):
    #: The engine was unsure of the word.
    LOW_CONFIDENCE = "low-confidence"
    #: Close to, but not, a term of the track's vocabulary: probably a misheard technical term.
    NEAR_TERM = "near-term"


@dataclass(frozen=True, slots=True)
class Flag:
    """A stretch of the transcript (words ``start``..``end``-1) the candidate should check."""

    start: int
    end: int
    heard: str
    reason: FlagReason
    #: What it probably should be (the vocabulary term), if there is a guess.
    suggestion: str | None = None
    #: The lowest word probability in the stretch, where the engine reports one.
    probability: float | None = None


@dataclass(frozen=True)
class SpokenAnswer:
    """A transcribed answer before the candidate confirms it: what was heard, what to check, delivery."""

    transcript: Transcript
    flags: tuple[Flag, ...]
    delivery: DeliveryMetrics
    #: Where the audio came from (a path), if it was a file.
    source: str | None = None
    #: Engine time alone, for benchmarks and logs.
    transcribe_seconds: float = field(default=0.0, compare=False)
