"""How long the offline rubric judge takes: model load once, then grading latency per answer.

Grades every example answer in tests/data/answers/ ``--runs`` times and prints the fastest, median
and 90th-percentile latency per answer, plus the first (cold) grade of each question, which also
embeds that rubric's statements. Run from the repository root:

    .venv/bin/python bench/bench_rubric_judge.py --runs 20
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run as a script from a checkout without installing

from interviewer.bank import load_bank  # noqa: E402
from interviewer.judge import embeddings  # noqa: E402
from interviewer.judge.base import Exchange, GradingRequest  # noqa: E402
from interviewer.judge.rubric_judge import RubricJudge  # noqa: E402
from interviewer.judge.sentences import split_sentences  # noqa: E402

ANSWERS = REPO / "tests" / "data" / "answers"


def main() -> None:
    """Parse the arguments, time the model load and every answer, and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="grades per answer (default 20)")
    parser.add_argument("--model-path", type=Path, default=None, help="a sentence-transformers folder")
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    args = parser.parse_args()
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)

    started = time.perf_counter()
    model = embeddings.load_embedder(args.model_path, args.device)
    load_s = time.perf_counter() - started
    print(
        f"model {embeddings.model_name(args.model_path)} on {model.device}: loaded in {load_s:.2f} s "
        f"(imports included); torch threads {torch.get_num_threads()}"
    )

    bank = load_bank()
    judge = RubricJudge(args.model_path, args.device)
    rows, all_ms = [], []
    for path in sorted(ANSWERS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        question = bank.question(data["question"])
        rubric = bank.rubric_for(question)
        criteria = bank.criteria_for(rubric)
        for n, (label, answer) in enumerate(data["answers"].items()):
            request = GradingRequest(question, rubric, criteria, [Exchange(question.prompt, answer)])
            cold = _time(judge, request) if n == 0 else None  # the question's first grade embeds its rubric
            times = [_time(judge, request) for _ in range(args.runs)]
            all_ms += times
            p90 = statistics.quantiles(times, n=10)[-1] if len(times) > 1 else times[0]
            words = len(answer.split())
            sentences = len(split_sentences(answer))
            rows.append((question.id, label, words, sentences, min(times), statistics.median(times), p90, cold))

    print(
        f"\n{'question':38} {'answer':10} {'words':>5} {'sents':>5} {'min ms':>7} {'median ms':>9} {'p90 ms':>7} {'cold ms':>7}"
    )
    for qid, label, words, sents, fastest, median, p90, cold in rows:
        cold_s = f"{cold:7.1f}" if cold is not None else " " * 7
        print(f"{qid:38} {label:10} {words:5d} {sents:5d} {fastest:7.1f} {median:9.1f} {p90:7.1f} {cold_s}")
    print(f"\nall answers: median {statistics.median(all_ms):.1f} ms over {len(all_ms)} grades")


def _time(judge: RubricJudge, request: GradingRequest) -> float:
    started = time.perf_counter()
    judge.grade(request)
    return (time.perf_counter() - started) * 1000


if __name__ == "__main__":
    main()
