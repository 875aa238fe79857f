"""Many candidates at once against a served app, each in its own gradio_client session.

Shared by bench/bench_load.py (which times it) and tests/test_load.py (which checks that no
turn is lost or mixed up). Each candidate opens the page, waits for the others, starts a text
interview and answers every prompt until the report, refreshing History after each step as the
page does. Bounded: every call has a timeout and the whole run a deadline.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field

from interviewer.settings import Settings
from tests.app_driver import TRACKS, AppCandidate, answer_text

#: Most prompts one main question can bring (the question and its follow-ups, server default).
PROMPTS_PER_QUESTION = 1 + int(Settings.model_fields["max_follow_ups"].default)


@dataclass
class CandidateResult:
    name: str
    session_id: str | None = None
    #: Answers whose submission returned, in order.
    answers: list[str] = field(default_factory=list)
    #: Per answer: seconds from submitting it to receiving the next question or the end.
    latencies: list[float] = field(default_factory=list)
    #: Seconds from "Start interview" to the first question.
    start_s: float | None = None
    finished: bool = False
    error: str | None = None


@dataclass
class LoadRun:
    candidates: list[CandidateResult]
    #: Seconds from the moment all candidates started to the last one's end.
    wall_s: float

    @property
    def errors(self) -> list[str]:
        return [f"{c.name}: {c.error}" for c in self.candidates if c.error]

    @property
    def latencies(self) -> list[float]:
        return sorted(t for c in self.candidates for t in c.latencies)

    @property
    def expected(self) -> dict[str, list[str]]:
        return {c.session_id: c.answers for c in self.candidates if c.session_id}

    @property
    def completed(self) -> set[str]:
        return {c.session_id for c in self.candidates if c.session_id and c.finished}


def run_load(
    url: str, count: int, questions: int, prefix: str = "cand", timeout_s: float = 600, call_timeout: float = 120
) -> LoadRun:
    """``count`` candidates, each a ``questions``-question interview, all at once."""
    deadline = time.monotonic() + timeout_s
    results = [CandidateResult(name=f"{prefix}-{i:02d}") for i in range(count)]
    barrier = threading.Barrier(count + 1)
    threads = [
        threading.Thread(
            target=_interview,
            args=(AppCandidate(url, r.name, call_timeout, deadline), r, TRACKS[i % len(TRACKS)], questions, barrier),
            name=r.name,
            daemon=True,
        )
        for i, r in enumerate(results)
    ]
    for thread in threads:
        thread.start()
    # A broken barrier: a candidate could not open the page; its error says why, the others stop.
    with contextlib.suppress(threading.BrokenBarrierError):
        barrier.wait(timeout=max(1.0, deadline - time.monotonic()))
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()) + call_timeout)
    for r, thread in zip(results, threads, strict=True):
        if thread.is_alive() and r.error is None:
            r.error = "still running past the deadline"
    return LoadRun(candidates=results, wall_s=time.perf_counter() - started)


def _interview(
    candidate: AppCandidate, result: CandidateResult, track: str, questions: int, barrier: threading.Barrier
) -> None:
    try:
        candidate.connect()
        barrier.wait(timeout=max(1.0, (candidate.deadline or 0) - time.monotonic()))
        t0 = time.perf_counter()
        screen = candidate.start(track, questions)
        result.start_s = time.perf_counter() - t0
        result.session_id = candidate.session_id
        candidate.history()
        while not screen.finished:
            if len(result.answers) >= questions * PROMPTS_PER_QUESTION:
                raise AssertionError(f"more prompts than {questions} question(s) allow")
            asked = screen.turn
            text = answer_text(result.name, len(result.answers) + 1)
            t0 = time.perf_counter()
            screen = candidate.submit(text)
            result.latencies.append(time.perf_counter() - t0)
            result.answers.append(text)
            if not screen.finished and screen.turn != (asked or 0) + 1:
                raise AssertionError(f"answered turn {asked}, then turn {screen.turn} came up")
            if candidate.session_id != result.session_id:
                raise AssertionError(f"the browser now points at {candidate.session_id}, not {result.session_id}")
            candidate.history()
        result.finished = True
    except Exception as exc:  # recorded per candidate: one failure must not hide the others'
        result.error = f"{type(exc).__name__}: {exc}"
        barrier.abort()
