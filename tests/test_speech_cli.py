"""Spoken answers through the command line, as a user runs it: ``interviewer transcribe`` and
``@answer.wav`` answers in ``interviewer practice``."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from interviewer.speech.evaluation import piper_wav, word_error_rate

from .conftest import run_cli as conftest_run_cli

pytestmark = pytest.mark.slow

SPOKEN = (
    "An embedding is a dense vector, trained so that similar items end up close together. "
    "I would compute the item vectors offline and serve the nearest items from an approximate index."
)


def run_cli(data_dir: Path, *args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return conftest_run_cli(data_dir, *args, columns=200, **kwargs)


@pytest.fixture(scope="module")
def answer_wav(tmp_path_factory) -> Path:
    return piper_wav(SPOKEN, tmp_path_factory.mktemp("cli") / "answer.wav")


def test_transcribe_json(tmp_path, answer_wav):
    done = run_cli(tmp_path, "transcribe", str(answer_wav), "--track", "llm-app", "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["engine"] == "faster-whisper" and payload["model"] == "tiny.en"
    assert word_error_rate(SPOKEN, payload["text"]) <= 0.2
    assert payload["words"] and {"start", "end", "text", "probability"} <= set(payload["words"][0])
    assert isinstance(payload["flags"], list)
    assert payload["delivery"]["words"] >= 25 and payload["delivery"]["words_per_minute"] > 100


def test_transcribe_text_output_shows_flags_and_delivery(tmp_path):
    # espeak's "KV cash"-prone voice gives the flags something to find.
    if not shutil.which("espeak-ng"):
        pytest.skip("needs espeak-ng")
    from interviewer.speech.evaluation import espeak_wav

    wav = espeak_wav("We keep keys and values in the KV cache and train LoRA adapters.", tmp_path / "terms.wav")
    done = run_cli(tmp_path, "transcribe", str(wav), "--track", "multimodal")
    assert done.returncode == 0, done.stderr
    assert "faster-whisper · tiny.en" in done.stdout and "Delivery:" in done.stdout and "words/min" in done.stdout


def test_transcribe_bad_input_is_one_line(tmp_path):
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"RIFF\x00\x00")
    done = run_cli(tmp_path, "transcribe", str(junk))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"error: {junk} is not a readable audio file (use WAV, FLAC, MP3, OGG/Opus or WebM)"
    ]
    bad_engine = run_cli(tmp_path, "transcribe", str(junk), env={"INTERVIEWER_STT_ENGINE": "kaldi"})
    assert bad_engine.returncode == 2 and "speech-to-text" in bad_engine.stderr and "Traceback" not in bad_engine.stderr


def _turns(data_dir: Path, session_id: str) -> list[dict]:
    shown = run_cli(data_dir, "show", session_id, "--json")
    assert shown.returncode == 0, shown.stderr
    return json.loads(shown.stdout)["turns"]


def test_practice_with_a_spoken_answer_keeps_raw_and_confirmed_text_and_delivery(tmp_path, answer_wav):
    answers = tmp_path / "answers.txt"
    answers.write_text(f"@{answer_wav}\n---\nA typed follow-up answer about vectors and cosine similarity.\n")
    done = run_cli(tmp_path, "practice", "--track", "llm-app", "--questions", "1", "--max-follow-ups", "1",
                   "--answers", str(answers))  # fmt: skip
    assert done.returncode in (0, 3), done.stderr
    assert "Delivery:" in done.stdout
    session_id = done.stdout.split("Session ")[1].split()[0]
    spoken, typed = _turns(tmp_path, session_id)[:2]
    # Non-interactive: the transcript is accepted as heard, so raw and confirmed agree.
    assert spoken["transcript_raw"] and spoken["answer_text"] == spoken["transcript_raw"]
    assert word_error_rate(SPOKEN, spoken["answer_text"]) <= 0.2
    assert spoken["audio_ref"] == str(answer_wav.resolve())
    delivery = json.loads(spoken["delivery_json"])
    assert delivery["words"] >= 25 and delivery["duration_s"] > 5
    assert typed["transcript_raw"] is None and typed["audio_ref"] is None and typed["delivery_json"] is None


def test_practice_interactive_correction_is_graded_and_the_raw_transcript_kept(tmp_path, answer_wav):
    corrected = "An embedding is a dense learned vector; I would serve neighbours from an ANN index."
    stdin = f"@{answer_wav}\n\n{corrected}\n\n"
    done = run_cli(tmp_path, "practice", "--track", "llm-app", "--questions", "1", "--max-follow-ups", "0", stdin=stdin)
    assert done.returncode == 0, done.stderr
    session_id = done.stdout.split("Session ")[1].split()[0]
    turn = _turns(tmp_path, session_id)[0]
    assert turn["answer_text"] == corrected
    assert word_error_rate(SPOKEN, turn["transcript_raw"]) <= 0.2
    assert turn["delivery_json"] is not None


def test_practice_bad_audio_answer_stores_nothing(tmp_path):
    silent = tmp_path / "silent.wav"
    subprocess.run(["sox", "-n", "-r", "16000", "-c", "1", str(silent), "trim", "0", "2"], check=True)
    done = run_cli(tmp_path, "practice", "--questions", "1", "--answers", "-", stdin=f"@{silent}\n")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"error: {silent} is silent: no speech to transcribe (check the microphone)"
    ]
    session_id = done.stdout.split("Session ")[1].split()[0]
    assert all(t["answer_text"] is None for t in _turns(tmp_path, session_id))


def test_practice_speak_writes_the_question_audio_when_nothing_can_play_it(tmp_path):
    # An empty PATH: no aplay, paplay or play, so the WAV is written and its path shown.
    done = run_cli(tmp_path, "practice", "--questions", "1", "--speak", "--answers", "-", stdin="",
                   env={"PATH": str(tmp_path)})  # fmt: skip
    assert done.returncode == 3, done.stderr
    written = sorted((tmp_path / "speech").glob("*.wav"))
    assert len(written) == 1 and f"Question audio: {written[0]}" in done.stdout
    assert written[0].read_bytes()[:4] == b"RIFF"
