"""Delivery figures for a spoken answer, measured from word timestamps (never guessed from text).

Computed by ``interviewer.speech`` and shown by reports; kept apart from both so that each
depends only on this record.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

#: A silence between words longer than this counts as a long pause.
LONG_PAUSE_S = 2.0


class DeliveryMetrics(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    words: int = Field(ge=0)
    #: Speech from the first word's start to the last word's end, in seconds.
    talk_time_s: float = Field(ge=0)
    words_per_minute: float = Field(ge=0)
    fillers: int = Field(ge=0)
    fillers_per_100_words: float = Field(ge=0)
    #: Which fillers and how often, e.g. {"um": 3, "you know": 1}.
    filler_counts: dict[str, int] = Field(default_factory=dict)
    long_pauses: int = Field(ge=0)
    longest_pause_s: float = Field(ge=0)
    #: From the start of the recording to the first word.
    time_to_first_word_s: float = Field(ge=0)
    #: Length of the whole recording.
    duration_s: float = Field(ge=0)
