"""Spoken answers: audio in, a checked transcript and delivery figures out; and the interviewer's voice.

``audio`` decodes and validates, ``engines`` transcribe (faster-whisper by default, offline),
``vocabulary`` biases recognition towards the track's terms, ``flagging`` marks what the
candidate should check, ``analytics`` measures delivery, ``pipeline`` ties them together and
``tts`` speaks questions.
"""

from interviewer.speech.audio import Audio, AudioLimits, load_audio
from interviewer.speech.config import SttConfig
from interviewer.speech.engines import Transcriber, make_transcriber
from interviewer.speech.pipeline import AnswerTranscriber
from interviewer.speech.records import Flag, FlagReason, SpokenAnswer, Transcript, Word
from interviewer.speech.vocabulary import Vocabulary, track_vocabulary

__all__ = [
    "AnswerTranscriber",
    "Audio",
    "AudioLimits",
    "Flag",
    "FlagReason",
    "SpokenAnswer",
    "SttConfig",
    "Transcriber",
    "Transcript",
    "Vocabulary",
    "Word",
    "load_audio",
    "make_transcriber",
    "track_vocabulary",
]
