"""One loaded copy of each speech model per process, shared by every session and thread.

Loading Whisper costs a second or more and its memory; transcribing with a loaded model is
thread-safe in CTranslate2 and PyTorch inference alike. So models are keyed by what makes them
different (engine, model, device, precision) and loaded once, under a per-key lock so that two
threads asking at once do not both load it, while other keys load in parallel.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class ModelCache:
    """A thread-safe load-once map from a key to a loaded model."""

    def __init__(self) -> None:
        self._models: dict[Hashable, Any] = {}
        self._locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, key: Hashable, load: Callable[[], T]) -> T:
        """The model for ``key``, calling ``load`` only the first time (a failed load is retried)."""
        model = self._models.get(key)
        if model is not None:
            return model  # type: ignore[no-any-return]
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._models:
                self._models[key] = load()
            return self._models[key]  # type: ignore[no-any-return]

    def __contains__(self, key: Hashable) -> bool:
        return key in self._models

    def clear(self) -> None:
        """Forget every model (tests; freeing memory)."""
        with self._guard:
            self._models.clear()
            self._locks.clear()


#: The process-wide cache every engine uses.
MODELS = ModelCache()
