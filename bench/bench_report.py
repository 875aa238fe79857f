"""Time to generate the report of a 10-question session, PDF above all (target: under 2 s).

Takes a real 10-question voice session with the offline rubric judge (the same answers as the
report tests: follow-ups, a misconception, non-ASCII text, delivery figures) in a temporary
folder, then times building the record from the database and rendering each format. The first
PDF is reported apart: it includes loading matplotlib and ReportLab and parsing the fonts.

    .venv/bin/python bench/bench_report.py --repeats 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the session builder lives with the report tests

from interviewer.bank import Level, Track, load_bank  # noqa: E402
from interviewer.judge.rubric_judge import RubricJudge  # noqa: E402
from tests.test_report_support import open_service, take_session  # noqa: E402

#: The issue's target for a 10-question PDF on the project's machine (2 cores).
TARGET_S = 2.0


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per measure (median reported)")
    parser.add_argument("--questions", type=int, default=10)
    args = parser.parse_args()

    bank = load_bank()
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        print(f"Taking a {args.questions}-question voice session with the rubric judge...", flush=True)
        service = open_service(Path(tmp), bank, RubricJudge())
        session_id = take_session(service, bank, Track.LLM_APP, Level.MID, args.questions, voice=True)
        store = service.store

        from interviewer.report import build_report
        from interviewer.report.render import ReportFormat, render_report

        first_started = time.perf_counter()
        report = build_report(store, bank, session_id)
        pdf = render_report(report, ReportFormat.PDF)
        first = time.perf_counter() - first_started
        turns = sum(len(q.turns) for q in report.questions)

        rows: list[tuple[str, float]] = []
        build = [timed(lambda: build_report(store, bank, session_id)) for _ in range(args.repeats)]
        rows.append(("build record (database + bank)", statistics.median(build)))
        for fmt in ReportFormat:
            runs = [timed(partial(render_report, report, fmt)) for _ in range(args.repeats)]
            rows.append((f"render {fmt.value}", statistics.median(runs)))
        end_to_end = [
            timed(lambda: render_report(build_report(store, bank, session_id), ReportFormat.PDF))
            for _ in range(args.repeats)
        ]
        pdf_median = statistics.median(end_to_end)
        rows.append(("PDF end to end (build + render)", pdf_median))

    print(f"\n{args.questions} questions, {turns} answered turns, PDF {len(pdf) / 1024:.0f} KiB")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; median of {args.repeats} runs\n")
    print(f"{'measure':<34} {'seconds':>8}")
    print(f"{'first PDF in a fresh process':<34} {first:>8.3f}")
    for name, seconds in rows:
        print(f"{name:<34} {seconds:>8.3f}")
    verdict = "within" if pdf_median < TARGET_S else "OVER"
    print(f"\nPDF end to end: {pdf_median:.2f} s, {verdict} the {TARGET_S:.0f} s target")
    return 0 if pdf_median < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
