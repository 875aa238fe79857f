"""Audio input: any supported file or upload in, validated 16 kHz mono float32 samples out.

Decoding uses PyAV (FFmpeg bundled, already a faster-whisper dependency), so WAV, FLAC, MP3,
OGG/Opus and the WebM/Opus that browsers record all work without system packages. Every way an
input can be unusable (empty, too big, too long, not audio, truncated, silent) ends in an
``AudioError`` with a one-line message; nothing else escapes from here.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from interviewer.errors import AudioError

#: Whisper models (and so every engine here) take 16 kHz mono.
SAMPLE_RATE = 16_000
#: The formats named in messages; PyAV reads more, but these are the ones we test.
FORMATS = "WAV, FLAC, MP3, OGG/Opus or WebM"
# Errors PyAV raises on unreadable input: its own FFmpegError tree, plus a few plain ones that
# surface from containers with broken headers.
_DECODE_ERRORS = (av.FFmpegError, OSError, ValueError, IndexError, EOFError, UnicodeDecodeError)


@dataclass(frozen=True)
class AudioLimits:
    """What an answer recording may be. The defaults fit a long interview answer comfortably."""

    max_bytes: int = 50 * 1024 * 1024
    max_seconds: float = 15 * 60
    #: A recording whose loudest 50 ms stays under this level is treated as silence.
    silence_dbfs: float = -50.0
    #: Decoded audio shorter than this share of the length the header declares is truncated.
    min_complete_ratio: float = 0.9


@dataclass(frozen=True, eq=False)
class Audio:
    """Decoded audio: 16 kHz mono float32 samples in [-1, 1]."""

    samples: np.ndarray
    #: The file it came from, if any (for messages and the stored answer).
    source: str | None = None

    @property
    def duration(self) -> float:
        return len(self.samples) / SAMPLE_RATE


def load_audio(source: str | Path | bytes, limits: AudioLimits | None = None) -> Audio:
    """Decode and validate ``source`` (a path or the bytes of an upload).

    The size and the declared duration are checked before any audio is decoded, and the
    duration again while decoding (browser WebM declares none), so an over-long recording is
    refused without decoding all of it.
    """
    limits = limits or AudioLimits()
    name = "the recording" if isinstance(source, bytes) else str(source)
    data = _read_checked(source, limits, name)
    try:
        container = av.open(io.BytesIO(data), mode="r", metadata_errors="ignore")
    except _DECODE_ERRORS:
        raise AudioError(f"{name} is not a readable audio file (use {FORMATS})") from None
    with container:
        if not container.streams.audio:
            raise AudioError(f"{name} contains no audio stream (use {FORMATS})")
        stream = container.streams.audio[0]
        declared = _wav_declared_seconds(data) or _declared_seconds(container, stream)
        if declared is not None and declared > limits.max_seconds:
            raise AudioError(_too_long(name, declared, limits))
        samples = _decode(container, stream, limits, name)
    if samples.size == 0:
        raise AudioError(f"{name} holds no audio data (empty or truncated)")
    decoded = samples.size / SAMPLE_RATE
    # A header that promises more than the file holds means the upload or copy was cut short.
    if declared is not None and decoded < declared * limits.min_complete_ratio - 0.25:
        raise AudioError(f"{name} is truncated: its header says {declared:.1f} s but only {decoded:.1f} s are present")
    if peak_dbfs(samples) < limits.silence_dbfs:
        raise AudioError(f"{name} is silent: no speech to transcribe (check the microphone)")
    return Audio(samples=samples, source=None if isinstance(source, bytes) else str(source))


def peak_dbfs(samples: np.ndarray, frame_s: float = 0.05) -> float:
    """Level of the loudest ``frame_s`` stretch, in dB relative to full scale (RMS per frame)."""
    frame = max(1, int(SAMPLE_RATE * frame_s))
    usable = samples[: samples.size - samples.size % frame] if samples.size >= frame else samples
    if usable.size == 0:
        return -np.inf
    rms = np.sqrt(np.mean(np.square(usable.reshape(-1, min(frame, usable.size)), dtype=np.float64), axis=1))
    loudest = float(rms.max())
    return 20 * np.log10(loudest) if loudest > 0 else -np.inf


def encode_flac(audio: Audio) -> bytes:
    """The audio as 16 kHz mono FLAC: lossless and about half the size of WAV, for uploads."""
    out = io.BytesIO()
    with av.open(out, mode="w", format="flac") as container:
        stream = container.add_stream("flac", rate=SAMPLE_RATE, layout="mono")
        pcm = (np.clip(audio.samples, -1, 1) * 32767).astype(np.int16).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()


# -- internals ---------------------------------------------------------------------------------------


def _read_checked(source: str | Path | bytes, limits: AudioLimits, name: str) -> bytes:
    if isinstance(source, bytes):
        size = len(source)
    else:
        path = Path(source)
        if not path.is_file():
            raise AudioError(f"audio file not found: {path}")
        size = path.stat().st_size
    if size == 0:
        raise AudioError(f"{name} is empty (0 bytes)")
    if size > limits.max_bytes:
        raise AudioError(
            f"{name} is {size / 2**20:.1f} MB; the limit is {limits.max_bytes / 2**20:.0f} MB (shorten or compress it)"
        )
    if isinstance(source, bytes):
        return source
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        raise AudioError(f"cannot read {name}: {exc.strerror}") from None


def _declared_seconds(container: av.container.InputContainer, stream: av.audio.stream.AudioStream) -> float | None:
    """The length the file's header claims, if it claims one."""
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def _wav_declared_seconds(data: bytes) -> float | None:
    """The length a WAV header's data chunk claims.

    FFmpeg sizes a WAV stream by the bytes actually present, so a file cut short in copying
    looks complete to it; the RIFF header still tells the length the writer meant. Streaming
    writers leave the size 0 or 0xFFFFFFFF: then nothing is claimed.
    """
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    offset, byte_rate = 12, 0
    while offset + 8 <= len(data):
        chunk, size = data[offset : offset + 4], int.from_bytes(data[offset + 4 : offset + 8], "little")
        if chunk == b"fmt " and offset + 20 <= len(data):
            byte_rate = int.from_bytes(data[offset + 16 : offset + 20], "little")
        elif chunk == b"data":
            if byte_rate == 0 or size in (0, 0xFFFFFFFF):
                return None
            return size / byte_rate
        offset += 8 + size + (size & 1)  # chunks are padded to an even length
    return None


def _decode(
    container: av.container.InputContainer, stream: av.audio.stream.AudioStream, limits: AudioLimits, name: str
) -> np.ndarray:
    resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    max_samples = int(limits.max_seconds * SAMPLE_RATE)
    chunks: list[np.ndarray] = []
    total = 0
    try:
        for frame in _frames(container, stream):
            for out in resampler.resample(frame):
                chunk = out.to_ndarray().reshape(-1)
                chunks.append(chunk)
                total += chunk.size
            if total > max_samples:
                # Stop here: the rest need not be decoded to know the answer is too long.
                raise AudioError(_too_long(name, None, limits))
        for out in resampler.resample(None):
            chunks.append(out.to_ndarray().reshape(-1))
    except _DECODE_ERRORS:
        raise AudioError(f"{name} is damaged or truncated and cannot be decoded") from None
    return np.concatenate(chunks).astype(np.float32, copy=False) if chunks else np.zeros(0, np.float32)


def _frames(container: av.container.InputContainer, stream: av.audio.stream.AudioStream) -> Iterator[av.AudioFrame]:
    # A damaged packet in the middle of a file is skipped (as faster-whisper does); a file that
    # yields nothing at all is reported by the caller.
    for packet in container.demux(stream):
        try:
            yield from packet.decode()
        except av.error.InvalidDataError:
            continue


def _too_long(name: str, declared: float | None, limits: AudioLimits) -> str:
    limit = f"{limits.max_seconds / 60:g} minutes" if limits.max_seconds >= 120 else f"{limits.max_seconds:g} s"
    if declared is None:
        return f"{name} is longer than the limit of {limit}"
    return f"{name} is {declared / 60:.1f} minutes long; the limit is {limit}"
