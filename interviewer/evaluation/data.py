"""Graded answers for judge evaluation: loading CSV, JSONL and the shipped YAML sets.

One record is one answer with a careful human score. It names its question either by bank id
(``question_id``, graded against the bank's rubric) or by text (``question``), and may carry a
``rubric`` id or only a ``reference`` answer, as generic short-answer grading data does.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from interviewer.errors import InterviewerError

#: The folder of the shipped graded answer set, inside the question bank.
SHIPPED_SET = "eval"
_SUFFIXES = (".yaml", ".yml", ".jsonl", ".csv")


class EvalDataError(InterviewerError):
    """A graded-answer file cannot be read or has an invalid record."""


class AnswerKind(StrEnum):
    """The kinds of answer the shipped set has for every question."""

    EXCELLENT = "excellent"
    GOOD_INCOMPLETE = "good-incomplete"
    PARTIAL = "partial"
    MISCONCEPTION = "misconception"
    OFF_TOPIC = "off-topic"
    SPOKEN = "spoken"


class GradedAnswer(BaseModel):
    """One answer and its human score, with where it came from for error messages."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: str = Field(min_length=1)
    question_id: str | None = None
    question: str | None = None
    rubric: str | None = None
    reference: str | None = None
    answer: str
    score: float
    score_min: float = 0
    score_max: float = 5
    kind: AnswerKind | None = None
    reason: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> GradedAnswer:
        if not (self.question_id or self.question):
            raise ValueError("needs question_id (a bank question) or question (its text)")
        if not (self.question_id or self.rubric or self.reference):
            raise ValueError("a question given by text needs a rubric id or a reference answer")
        if self.score_max <= self.score_min:
            raise ValueError(f"score_max ({self.score_max}) must exceed score_min ({self.score_min})")
        if not self.score_min <= self.score <= self.score_max:
            raise ValueError(f"score {self.score} is outside {self.score_min}-{self.score_max}")
        return self

    @property
    def group(self) -> str:
        """What answers are compared within: the same question."""
        return self.question_id or self.question or ""

    def scaled(self, overall: float) -> float:
        """A judge's 0-100 score on this record's human scale."""
        return self.score_min + overall / 100 * (self.score_max - self.score_min)


def load_graded(path: Path) -> list[GradedAnswer]:
    """Read a file, or every data file in a folder (sorted), into graded answers."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix in _SUFFIXES and p.is_file())
        if not files:
            raise EvalDataError(f"{path}: no .yaml, .jsonl or .csv files")
    elif path.is_file():
        files = [path]
    else:
        raise EvalDataError(f"{path}: no such file or folder")
    records: list[GradedAnswer] = []
    for file in files:
        records.extend(_validated(file, _raw_records(file)))
    ids = [r.id for r in records]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise EvalDataError(f"{path}: answer ids used more than once: {', '.join(repeated[:5])}")
    if not records:
        raise EvalDataError(f"{path}: no graded answers")
    return records


def _validated(file: Path, raw: Iterable[tuple[str, dict[str, Any]]]) -> Iterator[GradedAnswer]:
    for where, record in raw:
        try:
            yield GradedAnswer.model_validate(record)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'record'}: {e['msg']}" for e in exc.errors())
            raise EvalDataError(f"{file}:{where}: {problems}") from None


def _raw_records(file: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(location, fields) per record; blank CSV cells and JSON nulls are simply absent."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalDataError(f"{file}: cannot read: {exc}") from None
    if file.suffix == ".csv":
        for n, row in enumerate(csv.DictReader(text.splitlines(keepends=True)), start=2):
            fields = {k.strip(): v for k, v in row.items() if k and v not in (None, "")}
            yield f"line {n}", {"id": f"{file.stem}:{n}"} | fields
    elif file.suffix == ".jsonl":
        for n, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise EvalDataError(f"{file}:line {n}: not JSON: {exc.msg}") from None
                if not isinstance(record, dict):
                    raise EvalDataError(f"{file}:line {n}: expected a JSON object")
                yield f"line {n}", {"id": f"{file.stem}:{n}"} | {k: v for k, v in record.items() if v is not None}
    else:
        yield from _yaml_records(file, text)


def _yaml_records(file: Path, text: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """The shipped layout: a scale, then per question a list of answers with kind, score, reason, text."""
    try:
        doc = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise EvalDataError(f"{file}: not valid YAML: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        raise EvalDataError(f"{file}: expected a mapping with an 'items' list")
    low, high = doc.get("scale", [0, 5])
    for i, item in enumerate(doc["items"]):
        if not isinstance(item, dict) or not isinstance(item.get("answers"), list):
            raise EvalDataError(f"{file}: items[{i}]: expected 'question' and an 'answers' list")
        question = item.get("question")
        for j, answer in enumerate(item["answers"]):
            if not isinstance(answer, dict):
                raise EvalDataError(f"{file}: items[{i}].answers[{j}]: expected a mapping")
            fields = {"score_min": low, "score_max": high, "question_id": question}
            fields |= {k: v for k, v in answer.items() if k != "text"}
            fields["answer"] = answer.get("text", "")
            fields.setdefault("id", f"{question}/{answer.get('kind', j)}")
            yield f"items[{i}].answers[{j}]", fields
