"""Spoken answers in the terminal: ``interviewer transcribe``, and the hooks practice uses
(``@answer.wav`` answers confirmed before grading, and questions read aloud with ``--speak``)."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from interviewer.bank import Bank, Track
from interviewer.delivery import DeliveryMetrics
from interviewer.settings import Settings, load_settings
from interviewer.speech.config import SttConfig
from interviewer.speech.flagging import accept_suggestions, apply_corrections
from interviewer.speech.pipeline import AnswerTranscriber
from interviewer.speech.records import FlagReason, SpokenAnswer

#: An answer line of this form names an audio file to transcribe: "@answer.wav".
AUDIO_ANSWER = re.compile(r"^@(?P<path>\S.*)$")
_CORRECTIONS = re.compile(r"^\s*\d+\s*=[^;]*(;\s*\d+\s*=[^;]*)*$")

_err = Console(stderr=True, highlight=False)


def transcribe(
    file: Annotated[Path, typer.Argument(help="Audio file: WAV, FLAC, MP3, OGG/Opus or WebM.")],
    track: Annotated[Track | None, typer.Option("--track", "-t", help="Bias towards this track's terms.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    engine: Annotated[
        str | None, typer.Option("--engine", help="faster-whisper, openai-whisper or openai-api.")
    ] = None,
    model: Annotated[str | None, typer.Option("--model", help="Model name or path for the engine.")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="TOML config file.")] = None,
) -> None:
    """Transcribe a spoken answer: the transcript, the words to check, and delivery figures."""
    settings = load_settings({"stt_engine": engine, "stt_model": model}, config_file=config)
    transcriber = answer_transcriber(settings, _bank(settings) if track is not None else None)
    with _err.status(f"Transcribing with {transcriber.transcriber.engine} ({transcriber.transcriber.model})..."):
        answer = transcriber.transcribe(file, track)
    if as_json:
        sys.stdout.write(json.dumps(answer_payload(answer), indent=2) + "\n")
        return
    out = Console(highlight=False)
    show_answer(out, answer)


def answer_transcriber(settings: Settings, bank: Bank | None) -> AnswerTranscriber:
    """The configured transcriber for ``settings`` (the bank supplies track vocabularies)."""
    return AnswerTranscriber(SttConfig.from_mapping(settings.stt), bank)


def answer_payload(answer: SpokenAnswer) -> dict:
    """A spoken answer as JSON-ready data."""
    t = answer.transcript
    return {
        "file": answer.source,
        "engine": t.engine,
        "model": t.model,
        "language": t.language,
        "duration_s": round(t.duration, 2),
        "transcribe_s": round(answer.transcribe_seconds, 2),
        "text": t.text,
        "words": [asdict(w) for w in t.words],
        "flags": [{**asdict(f), "reason": f.reason.value} for f in answer.flags],
        "delivery": answer.delivery.model_dump(),
    }


def show_answer(out: Console, answer: SpokenAnswer) -> None:
    """The transcript with flagged stretches marked [1: ...], the list of flags, and delivery."""
    t = answer.transcript
    out.print(f"[dim]{t.engine} · {t.model} · {t.duration:.1f} s of audio[/]")
    out.print(marked_transcript(answer))
    if answer.flags:
        out.print("[bold]Check these words:[/]")
        for n, flag in enumerate(answer.flags, start=1):
            if flag.reason is FlagReason.NEAR_TERM:
                why = f"→ [green]{escape(flag.suggestion or '')}[/]? (close to a track term)"
            else:
                why = "(the engine was unsure)"
            sure = f", p={flag.probability:.2f}" if flag.probability is not None else ""
            out.print(f"  {n}. “{escape(flag.heard)}” {why}[dim]{sure}[/]")
    out.print(delivery_line(answer.delivery))


def marked_transcript(answer: SpokenAnswer) -> str:
    """Rich markup of the transcript with each flagged stretch shown as [n: words]."""
    words = [escape(w.text) for w in answer.transcript.words]
    if not words:
        return escape(answer.transcript.text)
    for n, flag in reversed(list(enumerate(answer.flags, start=1))):
        stretch = "".join(words[flag.start : flag.end]).strip()
        words[flag.start : flag.end] = [f" [bold yellow]\\[{n}: {stretch}][/]"]
    return " ".join("".join(words).split())


def delivery_line(d: DeliveryMetrics) -> str:
    fillers = ", ".join(f"{k} ×{v}" for k, v in sorted(d.filler_counts.items(), key=lambda kv: -kv[1]))
    return (
        f"[bold]Delivery:[/] {d.words_per_minute:.0f} words/min · {d.fillers} fillers "
        f"({d.fillers_per_100_words:.1f} per 100 words{': ' + fillers if fillers else ''}) · "
        f"{d.long_pauses} pauses over 2 s (longest {d.longest_pause_s:.1f} s) · "
        f"first word at {d.time_to_first_word_s:.1f} s · talk time {d.talk_time_s:.0f} s of {d.duration_s:.0f} s"
    )


# -- practice hooks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfirmedAnswer:
    """A spoken answer the candidate has checked: what to grade and what to keep beside it."""

    text: str
    raw: str
    audio_ref: str
    delivery: DeliveryMetrics


def audio_path(answer_text: str) -> Path | None:
    """The file named by an ``@path`` answer, or None for a typed answer."""
    match = AUDIO_ANSWER.match(answer_text.strip())
    if match is None or "\n" in answer_text.strip():
        return None
    return Path(match.group("path").strip()).expanduser()


class SpokenAnswers:
    """Turns ``@file`` answers into confirmed transcripts for the practice loop.

    The transcriber (and its model) is created on the first spoken answer only, so typed
    interviews pay nothing for it.
    """

    def __init__(self, settings: Settings, bank: Bank, out: Console, speak: bool = False) -> None:
        self.settings = settings
        self.bank = bank
        self.out = out
        self.speak = speak
        self._transcriber: AnswerTranscriber | None = None

    def take(self, path: Path, track: Track, question_id: str | None, interactive: bool) -> ConfirmedAnswer:
        """Transcribe ``path``, show it with its flags, and let the candidate confirm or correct it.

        Non-interactive runs keep the transcript as heard. AudioError propagates (one line).
        """
        if self._transcriber is None:
            self._transcriber = answer_transcriber(self.settings, self.bank)
        engine = self._transcriber.transcriber
        with self.out.status(f"Transcribing {path.name} with {engine.engine} ({engine.model})..."):
            answer = self._transcriber.transcribe(path, track, question_id)
        show_answer(self.out, answer)
        confirmed = self._confirm(answer) if interactive else answer.transcript.text
        return ConfirmedAnswer(
            text=confirmed, raw=answer.transcript.text, audio_ref=str(path.resolve()), delivery=answer.delivery
        )

    def say(self, text: str, name: str) -> None:
        """Speak a question (``--speak``): played where a player works, else written to a WAV file."""
        from interviewer.speech.tts import play_wav, write_wav

        target = self.settings.data_dir / "speech" / f"{name}.wav"
        try:
            write_wav(text, target)
        except Exception as exc:  # a broken voice must not stop the interview
            self.out.print(f"[yellow]could not speak the question: {escape(str(exc))}[/]")
            return
        if not play_wav(target):
            self.out.print(f"[dim]Question audio: {target} (no audio player worked here)[/]")

    def _confirm(self, answer: SpokenAnswer) -> str:
        flags = answer.flags
        self.out.print(
            "[dim]Enter keeps it as heard"
            + (" · s takes the suggestions · 1=text;2=text fixes numbered words" if flags else "")
            + " · or type the corrected answer (finish with an empty line):[/]"
        )
        first = _input()
        if not first.strip():
            return answer.transcript.text
        if flags and first.strip().lower() == "s":
            fixed = accept_suggestions(answer.transcript, flags).text
        elif flags and _CORRECTIONS.match(first):
            choices = {}
            for part in first.split(";"):
                number, _, text = part.partition("=")
                index = int(number) - 1
                if 0 <= index < len(flags):
                    choices[index] = text
            fixed = apply_corrections(answer.transcript, flags, choices).text
        else:
            lines = [first]
            while (line := _input()).strip():
                lines.append(line)
            fixed = "\n".join(lines)
        self.out.print(f"[dim]Answer to grade:[/] {escape(fixed)}")
        return fixed


def _input() -> str:
    try:
        return input()
    except EOFError:
        return ""


def _bank(settings: Settings) -> Bank:
    from interviewer.app import build_bank

    return build_bank(settings)
