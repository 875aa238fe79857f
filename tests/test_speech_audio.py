"""Audio input: every supported format decodes to 16 kHz mono, every bad input is one clear error.

The audio is real speech made here from known text with espeak-ng, then converted with sox and
ffmpeg; nothing is stored in the repository.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from interviewer.errors import AudioError
from interviewer.speech import audio as audio_module
from interviewer.speech.audio import SAMPLE_RATE, AudioLimits, encode_flac, load_audio, peak_dbfs
from interviewer.speech.evaluation import espeak_wav

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("espeak-ng", "sox", "ffmpeg")),
    reason="needs espeak-ng, sox and ffmpeg (installed by .ci/run)",
)

SPOKEN = "Gradient boosting builds shallow trees one after another on the residual errors."


def run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True)


@pytest.fixture(scope="module")
def speech(tmp_path_factory) -> Path:
    return espeak_wav(SPOKEN, tmp_path_factory.mktemp("audio") / "speech.wav")


@pytest.fixture(scope="module")
def reference(speech) -> np.ndarray:
    return load_audio(speech).samples


def test_wav_decodes_to_16k_mono_float(speech):
    audio = load_audio(speech)
    assert audio.samples.dtype == np.float32 and audio.samples.ndim == 1
    assert 3.0 < audio.duration < 8.0
    assert float(np.abs(audio.samples).max()) <= 1.0
    assert audio.source == str(speech)


@pytest.mark.parametrize(
    ("suffix", "codec"),
    [(".mp3", []), (".ogg", ["-c:a", "libopus"]), (".flac", []), (".webm", ["-c:a", "libopus"])],
)
def test_compressed_formats_decode_like_the_original(speech, reference, tmp_path, suffix, codec):
    target = tmp_path / f"speech{suffix}"
    run("ffmpeg", "-loglevel", "error", "-y", "-i", str(speech), *codec, str(target))
    decoded = load_audio(target).samples
    # Same length within codec padding, and the same speech: lossy codecs change the waveform's
    # phase, so the loudness envelopes (20 ms frames) are compared rather than the samples.
    assert abs(decoded.size - reference.size) / SAMPLE_RATE < 0.1
    assert float(np.corrcoef(envelope(decoded), envelope(reference))[0, 1]) > 0.9


def envelope(samples: np.ndarray, n_frames: int = 150) -> np.ndarray:
    frame = 320
    usable = samples[: n_frames * frame]
    usable = np.pad(usable, (0, n_frames * frame - usable.size))
    return np.sqrt(np.mean(usable.reshape(n_frames, frame) ** 2, axis=1))


def test_browser_webm_without_a_duration_decodes(speech, reference, tmp_path):
    # MediaRecorder streams WebM and never writes its length; ffmpeg piping to stdout does the same.
    target = tmp_path / "browser.webm"
    with target.open("wb") as out:
        subprocess.run(
            ["ffmpeg", "-loglevel", "error", "-i", str(speech), "-c:a", "libopus", "-f", "webm", "pipe:1"],
            stdout=out,
            check=True,
        )
    assert abs(load_audio(target).duration - reference.size / SAMPLE_RATE) < 0.1
    # ...and bytes work as well as paths (uploads arrive as bytes).
    assert abs(load_audio(target.read_bytes()).duration - reference.size / SAMPLE_RATE) < 0.1


def test_8khz_and_stereo_44k_are_resampled(speech, reference, tmp_path):
    narrow = tmp_path / "phone.wav"
    run("sox", str(speech), "-r", "8000", str(narrow))
    stereo = tmp_path / "stereo.wav"
    run("sox", str(speech), "-r", "44100", "-c", "2", str(stereo))
    for path in (narrow, stereo):
        audio = load_audio(path)
        assert abs(audio.samples.size - reference.size) <= SAMPLE_RATE * 0.02
        assert peak_dbfs(audio.samples) > -30


def test_empty_file(tmp_path):
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    with pytest.raises(AudioError, match=r"is empty \(0 bytes\)"):
        load_audio(empty)
    with pytest.raises(AudioError, match="is empty"):
        load_audio(b"")


def test_missing_file(tmp_path):
    with pytest.raises(AudioError, match="audio file not found"):
        load_audio(tmp_path / "nope.wav")


def test_truncated_header(speech, tmp_path):
    cut = tmp_path / "header.wav"
    cut.write_bytes(speech.read_bytes()[:20])
    with pytest.raises(AudioError, match="not a readable audio file"):
        load_audio(cut)


def test_truncated_data(speech, tmp_path):
    data = speech.read_bytes()
    cut = tmp_path / "half.wav"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(AudioError, match=r"is truncated: its header says .* s but only .* s are present"):
        load_audio(cut)


def test_truncated_flac_and_mp3(speech, tmp_path):
    for suffix in (".flac", ".mp3"):
        whole = tmp_path / f"whole{suffix}"
        run("ffmpeg", "-loglevel", "error", "-y", "-i", str(speech), str(whole))
        cut = tmp_path / f"cut{suffix}"
        cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 3])
        with pytest.raises(AudioError, match="truncated"):
            load_audio(cut)


def test_random_bytes_named_wav(tmp_path):
    noise = tmp_path / "noise.wav"
    noise.write_bytes(np.random.default_rng(0).integers(0, 256, 30_000, dtype=np.uint8).tobytes())
    with pytest.raises(AudioError, match="not a readable audio file"):
        load_audio(noise)


def test_text_file_and_image_are_not_audio(tmp_path):
    text = tmp_path / "answer.wav"
    text.write_text("I would use a KV cache.\n" * 50)
    # FFmpeg may take text for subtitles: then it opens, with no audio in it.
    with pytest.raises(AudioError, match="not a readable audio file|contains no audio stream"):
        load_audio(text)
    image = tmp_path / "photo.png"
    run("ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "color=c=red:s=16x16", "-frames:v", "1", str(image))
    with pytest.raises(AudioError, match="contains no audio stream"):
        load_audio(image)


def test_silence(tmp_path):
    quiet = tmp_path / "silence.wav"
    run("sox", "-n", "-r", "16000", "-c", "1", str(quiet), "trim", "0", "3")
    with pytest.raises(AudioError, match="is silent"):
        load_audio(quiet)
    hiss = tmp_path / "hiss.wav"  # a very faint noise floor is still silence
    run("sox", "-n", "-r", "16000", "-c", "1", str(hiss), "synth", "3", "whitenoise", "vol", "0.001")
    with pytest.raises(AudioError, match="is silent"):
        load_audio(hiss)


def test_over_the_size_limit(speech):
    with pytest.raises(AudioError, match=r"the limit is 0 MB"):
        load_audio(speech, AudioLimits(max_bytes=1000))


def test_over_long_recording_is_refused_before_decoding(tmp_path, monkeypatch):
    # 16 minutes of 8 kHz silence: FLAC stores it in a few kB, and its header states the length.
    long = tmp_path / "long.flac"
    run("sox", "-n", "-r", "8000", "-c", "1", str(long), "trim", "0", "16:00")
    assert long.stat().st_size < 200_000

    def no_decoding(*args, **kwargs):
        raise AssertionError("decoded although the header already showed the recording is too long")

    monkeypatch.setattr(audio_module, "_decode", no_decoding)
    with pytest.raises(AudioError, match=r"is 16.0 minutes long; the limit is 15 minutes"):
        load_audio(long)


def test_over_long_stream_without_duration_stops_while_decoding(speech, tmp_path):
    target = tmp_path / "browser.webm"
    with target.open("wb") as out:
        subprocess.run(
            ["ffmpeg", "-loglevel", "error", "-i", str(speech), "-c:a", "libopus", "-f", "webm", "pipe:1"],
            stdout=out,
            check=True,
        )
    with pytest.raises(AudioError, match=r"is longer than the limit of 2 s"):
        load_audio(target, AudioLimits(max_seconds=2))


def test_flac_encoding_round_trips(reference):
    from interviewer.speech.audio import Audio

    flac = encode_flac(Audio(samples=reference))
    assert flac[:4] == b"fLaC" and len(flac) < reference.size * 2
    back = load_audio(flac).samples
    assert back.size == reference.size
    assert float(np.abs(back - reference).max()) < 1e-3
