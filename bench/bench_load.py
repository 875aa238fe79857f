"""Concurrent candidates against the served app: answer submitted -> next question received.

Starts `interviewer serve` (rubric judge, its own data folder, no config file) on 127.0.0.1 and
runs N simulated candidates at once, each in its own gradio_client Client, each doing a text
interview of Q main questions. Prints p50/p95/max per answer and throughput, then checks the
SQLite database: no errors, and every candidate's answers stored exactly once, in order, in its
own session. Several counts run one after another on the same server, so their figures compare.

    .venv/bin/python bench/bench_load.py --candidates 1,20 --questions 3
    .venv/bin/python bench/bench_load.py --candidates 20 --concurrency 4 --json load.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

# Run as a script: the shared driver lives in the repository's tests package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.app_driver import ServedApp, check_database  # noqa: E402
from tests.load_run import LoadRun, run_load  # noqa: E402


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile of sorted ``samples``."""
    return samples[max(0, math.ceil(q * len(samples)) - 1)] if samples else float("nan")


@dataclass(frozen=True)
class Figures:
    """One count's run, as the table and the JSON show it."""

    candidates: int
    answers: int
    p50_s: float
    p95_s: float
    max_s: float
    #: "Start interview" -> first question, median.
    start_p50_s: float
    wall_s: float
    answers_per_s: float
    #: The server's own CPU time over the run (the candidates' clients share the machine).
    server_cpu_s: float
    finished: int
    errors: list[str]


def figures(count: int, run: LoadRun, server_cpu_s: float) -> Figures:
    lat = run.latencies
    starts = sorted(c.start_s for c in run.candidates if c.start_s is not None)
    return Figures(
        candidates=count,
        answers=len(lat),
        p50_s=percentile(lat, 0.50),
        p95_s=percentile(lat, 0.95),
        max_s=lat[-1] if lat else float("nan"),
        start_p50_s=percentile(starts, 0.50),
        wall_s=run.wall_s,
        answers_per_s=len(lat) / run.wall_s if run.wall_s > 0 else 0.0,
        server_cpu_s=server_cpu_s,
        finished=sum(c.finished for c in run.candidates),
        errors=run.errors,
    )


def process_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far; 0.0 where /proc is missing."""
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        return 0.0
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until_idle(pid: int, timeout_s: float = 120, busy_cpu: float = 0.15) -> None:
    """Wait until the server stops loading models in the background (under ``busy_cpu`` of a core)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        before = process_cpu_s(pid)
        time.sleep(1.0)
        if process_cpu_s(pid) - before < busy_cpu:
            return


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", default="20", help="candidates at once; a list (1,20) runs each in turn")
    parser.add_argument("--questions", type=int, default=3, help="main questions per interview")
    parser.add_argument("--concurrency", type=int, default=2, help="the server's --concurrency (gradings at once)")
    parser.add_argument("--timeout", type=float, default=900, help="deadline for each count's run, seconds")
    parser.add_argument("--call-timeout", type=float, default=180, help="limit for one call, seconds")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    counts = [int(c) for c in args.candidates.split(",")]

    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        app = ServedApp(Path(tmp) / "data", Path(tmp), concurrency=args.concurrency)
        t0 = time.perf_counter()
        app.start()
        print(f"server up in {time.perf_counter() - t0:.1f} s on {app.url} (--concurrency {args.concurrency})")
        try:
            # One interview first: the first grade loads the embedding model, which is not load.
            warm = run_load(app.url, 1, 1, prefix="warm", timeout_s=300, call_timeout=args.call_timeout)
            assert app.proc is not None
            wait_until_idle(app.proc.pid)
            runs: list[tuple[int, LoadRun, float]] = []
            for count in counts:
                cpu_before = process_cpu_s(app.proc.pid)
                run = run_load(
                    app.url, count, args.questions, f"n{count}-cand", args.timeout, call_timeout=args.call_timeout
                )
                runs.append((count, run, process_cpu_s(app.proc.pid) - cpu_before))
                wait_until_idle(app.proc.pid)
        finally:
            app.stop()
        expected = dict(warm.expected)
        completed = set(warm.completed)
        for _, run, _ in runs:
            expected |= run.expected
            completed |= run.completed
        problems = warm.errors + check_database(app.db_path, expected, completed)

    rows = [figures(count, run, cpu) for count, run, cpu in runs]
    print(
        f"\n{'candidates':>10} {'answers':>7} {'p50 s':>7} {'p95 s':>7} {'max s':>7} "
        f"{'start p50 s':>11} {'wall s':>7} {'answers/s':>9} {'server CPU s':>12} {'finished':>8}"
    )
    for r in rows:
        print(
            f"{r.candidates:>10} {r.answers:>7} {r.p50_s:>7.2f} {r.p95_s:>7.2f} {r.max_s:>7.2f} "
            f"{r.start_p50_s:>11.2f} {r.wall_s:>7.1f} {r.answers_per_s:>9.2f} {r.server_cpu_s:>12.1f} {r.finished:>8}"
        )
        problems += r.errors
    if len(rows) >= 2 and rows[0].p50_s > 0:
        first, last = rows[0], rows[-1]
        print(
            f"p50 x{last.p50_s / first.p50_s:.1f} and p95 x{last.p95_s / first.p95_s:.1f} "
            f"from {first.candidates} to {last.candidates} candidate(s)"
        )
    sessions = len(expected)
    print(f"\ndatabase: {sessions} sessions checked, {sum(map(len, expected.values()))} answers")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print("OK: no errors, no lost or mixed-up turns" if not problems else f"FAILED: {len(problems)} problem(s)")
    if args.json:
        payload = {
            "questions": args.questions,
            "concurrency": args.concurrency,
            "runs": [asdict(r) for r in rows],
            "problems": problems,
        }
        args.json.write_text(json.dumps(payload, indent=2))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
