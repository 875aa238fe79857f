"""The judge evaluation harness: its data formats, the shipped graded set, reference-only data, the CLI."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from interviewer.bank import Track
from interviewer.evaluation.checks import problems
from interviewer.evaluation.data import AnswerKind, EvalDataError, load_graded
from interviewer.evaluation.reference_rubric import derive_key_points, rubric_from_reference
from interviewer.evaluation.run import evaluate
from interviewer.evaluation.summary import summarise
from interviewer.judge.rubric_judge import RubricJudge
from tests.conftest import REPO, run_cli

SHIPPED = REPO / "question_bank" / "eval"
OVERFIT = "Overfitting is when a model learns the noise in its training data. It then does well on training data but poorly on new data."
GENERIC = [
    (
        "What is overfitting?",
        OVERFIT,
        "The model memorises noise in the training set, so it scores well in training but generalises poorly to unseen data.",
        5,
    ),
    ("What is overfitting?", OVERFIT, "Overfitting happens when the model is too simple to capture the pattern.", 1),
    ("What is overfitting?", OVERFIT, "The training accuracy is high.", 2),
    ("What is overfitting?", OVERFIT, "I would use a bigger GPU and a faster data loader.", 0),
]


def _write_generic(folder: Path) -> tuple[Path, Path]:
    import csv

    csv_path, jsonl_path = folder / "generic.csv", folder / "generic.jsonl"
    with csv_path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["question", "reference", "answer", "score", "score_min", "score_max"])
        writer.writerows([(q, r, a, s, 0, 5) for q, r, a, s in GENERIC])
    jsonl_path.write_text(
        "\n".join(
            json.dumps({"question": q, "reference": r, "answer": a, "score": s, "score_min": 0, "score_max": 5})
            for q, r, a, s in GENERIC
        )
    )
    return csv_path, jsonl_path


def test_csv_and_jsonl_hold_the_same_records(tmp_path: Path) -> None:
    csv_path, jsonl_path = _write_generic(tmp_path)
    from_csv, from_jsonl = load_graded(csv_path), load_graded(jsonl_path)
    strip = [r.model_dump(exclude={"id"}) for r in from_csv]
    assert strip == [r.model_dump(exclude={"id"}) for r in from_jsonl]
    assert [r.score for r in from_csv] == [5, 1, 2, 0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("question,answer,score\nWhat?,An answer,3\n", "needs a rubric id or a reference answer"),
        ("question_id,answer,score\nx,An answer,9\n", "outside 0"),
        ("question_id,answer,score,score_min,score_max\nx,a,1,5,0\n", "must exceed"),
        ("question_id,answer\nx,An answer\n", "score"),
    ],
)
def test_bad_records_name_the_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(EvalDataError, match=message) as caught:
        load_graded(path)
    assert f"{path}:line 2" in str(caught.value)


def test_unreadable_files_give_clear_errors(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"question_id": "x", "answer": "a", "score": 1}\nnot json\n')
    with pytest.raises(EvalDataError, match="line 2: not JSON"):
        load_graded(tmp_path / "a.jsonl")
    with pytest.raises(EvalDataError, match="no such file"):
        load_graded(tmp_path / "missing.csv")
    (tmp_path / "b.yaml").write_text("items: [")
    with pytest.raises(EvalDataError, match="not valid YAML"):
        load_graded(tmp_path / "b.yaml")


def test_the_shipped_set_covers_every_track_with_every_kind(shipped_bank) -> None:
    records = load_graded(SHIPPED)
    assert problems(records, shipped_bank) == []
    by_question = Counter(r.question_id for r in records)
    assert len(by_question) >= 40 and min(by_question.values()) >= 6
    tracks = {t for q in by_question for t in shipped_bank.question(q).tracks}
    assert tracks == set(Track)
    assert {r.kind for r in records} == set(AnswerKind)
    # The human scores span the whole scale on every track, not a few values.
    assert {r.score for r in records} == {0, 1, 2, 3, 4, 5}


def test_a_copied_rubric_sentence_is_caught(shipped_bank) -> None:
    record = load_graded(SHIPPED)[0]
    rubric = shipped_bank.rubric_for(shipped_bank.question(record.question_id))
    copied = record.model_copy(update={"answer": f"{record.answer} {rubric.key_points[0].statement}"})
    assert any("copies the rubric" in p for p in problems([copied], shipped_bank))


def test_key_points_are_derived_from_a_reference_answer() -> None:
    points = derive_key_points(OVERFIT + " Fine.")
    assert [p.id for p in points] == ["point-1", "point-2"]
    assert points[1].statement.endswith("Fine.")  # a sentence with no content joins its neighbour
    assert "overfitting" in points[0].terms and all(len(p.terms) >= 2 for p in points)


def test_reference_only_data_is_graded_in_quality_order(tmp_path: Path, shipped_bank) -> None:
    csv_path, _ = _write_generic(tmp_path)
    records = load_graded(csv_path)
    question, rubric, criteria = rubric_from_reference(GENERIC[0][0], OVERFIT, shipped_bank)
    assert rubric.model_answer == [OVERFIT] and [c.id for c in criteria] == ["correctness"]
    outcomes = evaluate(records, RubricJudge(), shipped_bank)
    overall = [o.mean_overall for o in outcomes]
    assert overall[0] > max(overall[1:]), overall  # the right answer beats the rest
    assert overall[3] == min(overall), overall  # the off-topic one is last
    summary = summarise(outcomes, "rubric", "generic.csv", 1)
    assert summary.graded == 4 and summary.pairs == 6 and summary.qwk is not None


@pytest.mark.slow
def test_cli_reports_every_figure_and_writes_json(tmp_path: Path) -> None:
    csv_path, _ = _write_generic(tmp_path)
    out = tmp_path / "figures.json"
    result = run_cli(tmp_path, "eval", "judge", "--data", str(csv_path), "--json", str(out))
    assert result.returncode == 0, result.stderr
    for figure in ("Pearson r", "Spearman rho", "quadratic weighted kappa", "MAE", "exact agreement", "within one"):
        assert figure in result.stdout
    assert "What is overfitting?" in result.stdout  # the per-question breakdown
    figures = json.loads(out.read_text())
    assert figures["graded"] == 4 and figures["per_question"][0]["answers"] == 4


@pytest.mark.slow
def test_cli_rejects_bad_data_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("question,answer,score\nWhat?,An answer,3\n")
    result = run_cli(tmp_path, "eval", "judge", "--data", str(bad))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and f"{bad}:line 2" in result.stderr
    greedy = run_cli(tmp_path, "eval", "judge", "--data", str(SHIPPED), "--judge", "llamacpp", "--samples", "3")
    assert greedy.returncode == 2 and "--temperature" in greedy.stderr


@pytest.mark.slow
def test_ci_slice_the_rubric_judge_orders_answers_like_the_graders(tmp_path: Path) -> None:
    # One question per track: the figures docs/judge-evaluation.md reports for the whole set, on a slice.
    out = tmp_path / "rubric.json"
    result = run_cli(tmp_path, "eval", "judge", "--questions", "6", "--json", str(out))
    assert result.returncode == 0, result.stderr
    figures = json.loads(out.read_text())
    assert figures["graded"] == 36 and figures["failed_samples"] == 0
    # Measured: 0.81 of 89 pairs and 0.73 (chance: 0.5 and 0); the margin absorbs float noise across CPUs.
    assert figures["pairwise"] >= 0.75 and figures["mean_question_spearman"] >= 0.6, figures
    kinds = {k["kind"]: k["mean_judge"] for k in figures["per_kind"]}
    assert kinds["excellent"] > kinds["good-incomplete"] > kinds["partial"] > kinds["off-topic"], kinds


@pytest.mark.slow
def test_ci_slice_the_llamacpp_judge_is_measured_end_to_end(tmp_path: Path) -> None:
    # SmolLM2-135M grades badly: this checks the harness drives a real LLM judge, not its quality.
    out = tmp_path / "llamacpp.json"
    result = run_cli(tmp_path, "eval", "judge", "--judge", "llamacpp", "--questions", "1", "--json", str(out))
    assert result.returncode == 0, result.stderr
    figures = json.loads(out.read_text())
    assert figures["answers"] == 6 and figures["graded"] + figures["failed_samples"] >= 6
    assert figures["judge"].startswith("llamacpp (SmolLM2")
