"""Latency per grade of the LLM judges on this machine.

Runs the in-process llama.cpp judge and the OpenAI judge against a local llama-cpp-python
server (a subprocess on 127.0.0.1), both on the bundled SmolLM2-135M GGUF unless ``--model``
names another, and prints a table. The first grade of each judge is reported apart: it includes
loading (llama.cpp) or finding the accepted response_format (OpenAI-compatible server).

    .venv/bin/python bench/bench_judges.py --repeats 3
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from interviewer.bank import load_bank
from interviewer.judge.base import Exchange, GradingRequest, Judge
from interviewer.judge.config import JudgeConfig
from interviewer.judge.factory import make_judge
from interviewer.judge.grade import Grade
from interviewer.judge.providers.llamacpp_judge import default_model_path

ANSWER = (
    "AUC only measures ranking, so a model can rank well and still be miscalibrated. "
    "I would plot a reliability diagram and compute the Brier score per segment on recent held-out data. "
    "Then fit isotonic regression or Platt scaling on a held-out calibration set, and monitor for drift."
)


@contextmanager
def llama_server(model: Path, n_ctx: int) -> Iterator[str]:
    """A llama-cpp-python OpenAI-compatible server on a free loopback port; yields its base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = Path(tempfile.mkdtemp(prefix="bench-llama-server-")) / "server.log"
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model)]
    command += ["--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(n_ctx)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"llama_cpp.server did not start; see {log}")
            try:
                with urllib.request.urlopen(f"{base_url}/models", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def time_judge(judge: Judge, request: GradingRequest, repeats: int) -> tuple[Grade, list[Grade]]:
    """The first grade (cold) and ``repeats`` more (warm)."""
    first = judge.grade(request)
    return first, [judge.grade(request) for _ in range(repeats)]


def row(name: str, detail: str, first: Grade, warm: list[Grade]) -> list[str]:
    ms = [g.judge.latency_ms for g in warm]
    out_tokens = [g.judge.output_tokens or 0 for g in warm]
    tok_s = statistics.mean(t / (m / 1000) for t, m in zip(out_tokens, ms, strict=True) if m) if warm else 0.0
    return [
        name,
        detail,
        f"{first.judge.latency_ms}",
        f"{statistics.median(ms):.0f}" if ms else "-",
        f"{min(ms)}-{max(ms)}" if ms else "-",
        f"{first.judge.input_tokens}",
        f"{statistics.mean(out_tokens):.0f}" if out_tokens else "-",
        f"{tok_s:.1f}",
    ]


def print_table(rows: list[list[str]]) -> None:
    header = ["judge", "detail", "first ms", "median ms", "range ms", "in tok", "out tok", "out tok/s"]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="warm grades per judge (default 3)")
    parser.add_argument("--question", default="cml-calibration-vs-discrimination")
    parser.add_argument("--model", type=Path, default=None, help="GGUF file (default: bundled SmolLM2-135M)")
    parser.add_argument("--n-ctx", type=int, default=4096)
    parser.add_argument("--only", choices=["llamacpp", "openai"], default=None)
    args = parser.parse_args(argv)

    bank = load_bank()
    question = bank.question(args.question)
    rubric = bank.rubric_for(question)
    request = GradingRequest(question, rubric, bank.criteria_for(rubric), [Exchange(question.prompt, ANSWER)])
    model = args.model or default_model_path()
    rows: list[list[str]] = []

    runs: list[tuple[str, Callable[[], list[str]]]] = []
    if args.only in (None, "llamacpp"):

        def run_llamacpp() -> list[str]:
            judge = make_judge(JudgeConfig(provider="llamacpp", model_path=model, n_ctx=args.n_ctx))
            first, warm = time_judge(judge, request, args.repeats)
            return row("llamacpp", f"in-process, n_gpu_layers={judge.n_gpu_layers}", first, warm)

        runs.append(("llamacpp", run_llamacpp))
    if args.only in (None, "openai"):

        def run_openai() -> list[str]:
            with llama_server(model, args.n_ctx) as base_url:
                judge = make_judge(JudgeConfig(provider="openai", base_url=base_url))
                first, warm = time_judge(judge, request, args.repeats)
                return row("openai", f"llama-cpp server, {judge.response_format_mode}", first, warm)

        runs.append(("openai", run_openai))

    for name, run in runs:
        print(f"timing {name} ...", file=sys.stderr, flush=True)
        rows.append(run())
    print(f"\nmodel: {model.name}   question: {question.id}   warm repeats: {args.repeats}\n")
    print_table(rows)


if __name__ == "__main__":
    main()
