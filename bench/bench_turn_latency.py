"""Time from an answer being submitted to the next question being ready, per judge.

Runs real interviews through InterviewService (real SQLite database and checkpoints,
real judges on the embedded default models) and reports median and p95 per judge.
Model loading is timed separately: it happens once per process, not per turn.

    .venv/bin/python bench/bench_turn_latency.py                 # rubric + llamacpp judges
    .venv/bin/python bench/bench_turn_latency.py --judges rubric --turns 40
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from interviewer.bank import Level, Track, load_bank
from interviewer.judge.config import JudgeConfig
from interviewer.judge.factory import make_judge
from interviewer.service import InterviewService, open_checkpointer
from interviewer.storage import SessionStore, sqlite_url

ANSWER = (
    "I would first check whether the validation split matches production, then look for leakage in the "
    "engineered features, and only then tune the model, measuring each change on a time-based holdout."
)


def bench_judge(provider: str, turns: int) -> dict[str, float]:
    bank = load_bank().raise_for_errors()
    started = time.perf_counter()
    judge = make_judge(JudgeConfig(provider=provider))
    with tempfile.TemporaryDirectory() as tmp:
        service = InterviewService(
            bank,
            judge,
            SessionStore(sqlite_url(Path(tmp) / "bench.db")),
            open_checkpointer(str(Path(tmp) / "checkpoints.db")),
        )
        step = service.start(Track.CLASSICAL_ML, Level.MID, 30)
        # The first grade also loads the judge's model: time it apart from the steady state.
        first = time.perf_counter()
        step = service.answer(step.session_id, ANSWER)
        load_s = time.perf_counter() - started
        first_turn_s = time.perf_counter() - first
        samples = []
        for _ in range(turns):
            if step.finished:
                step = service.start(Track.CLASSICAL_ML, Level.MID, 30)
            t0 = time.perf_counter()
            step = service.answer(step.session_id, ANSWER)
            samples.append(time.perf_counter() - t0)
    samples.sort()
    return {
        "first_turn_s": first_turn_s,
        "setup_and_first_s": load_s,
        "median_s": statistics.median(samples),
        "p95_s": samples[max(0, round(0.95 * len(samples)) - 1)],
        "turns": len(samples),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--judges", default="rubric,llamacpp")
    parser.add_argument("--turns", type=int, default=20)
    args = parser.parse_args()
    print(f"{'judge':<10} {'turns':>5} {'median s':>9} {'p95 s':>7} {'first turn s':>13} {'setup+first s':>14}")
    for provider in args.judges.split(","):
        r = bench_judge(provider, args.turns)
        print(
            f"{provider:<10} {r['turns']:>5} {r['median_s']:>9.3f} {r['p95_s']:>7.3f} "
            f"{r['first_turn_s']:>13.2f} {r['setup_and_first_s']:>14.2f}"
        )


if __name__ == "__main__":
    main()
