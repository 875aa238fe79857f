"""Several candidates at once on the served app: nobody's answer is lost or lands elsewhere.

A real `interviewer serve` subprocess on 127.0.0.1 and one gradio_client session per candidate,
all answering at the same time (the driver bench/bench_load.py times). No timing is asserted
here; the figures are in docs/benchmarks.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.app_driver import ServedApp, check_database
from tests.load_run import PROMPTS_PER_QUESTION, run_load

pytestmark = pytest.mark.slow

CANDIDATES = 5
QUESTIONS = 2


@pytest.fixture
def app(tmp_path: Path) -> Iterator[ServedApp]:
    served = ServedApp(tmp_path / "data", tmp_path)
    served.start()
    try:
        yield served
    finally:
        served.stop()


def test_concurrent_candidates_keep_their_own_turns(app: ServedApp) -> None:
    run = run_load(app.url, CANDIDATES, QUESTIONS, timeout_s=600)

    assert run.errors == [], app.log_tail()
    assert all(c.finished for c in run.candidates)
    sessions = [c.session_id for c in run.candidates]
    assert len(set(sessions)) == CANDIDATES, f"candidates share sessions: {sessions}"
    for c in run.candidates:
        # Every main question is answered, and no question draws more prompts than allowed.
        assert QUESTIONS <= len(c.answers) <= QUESTIONS * PROMPTS_PER_QUESTION
        assert all(a.startswith(f"{c.name}-a") for a in c.answers)
    app.stop()
    assert check_database(app.db_path, run.expected, run.completed) == []
