"""Reading bank YAML files item by item, with problems that name the file, line and field.

Each question and rubric is validated on its own, so one broken item is
reported without hiding the rest of its file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from interviewer.bank.models import Question, Rubric

#: Folders inside a bank that hold other data (the judge evaluation set), not questions.
SKIPPED_DIRS = frozenset({"eval"})

_SECTIONS: dict[str, type[BaseModel]] = {"questions": Question, "rubrics": Rubric}


class ProblemLevel(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class BankProblem:
    """One thing wrong with a bank: where it is and what to do about it."""

    path: Path | None
    line: int | None
    where: str
    message: str
    level: ProblemLevel = ProblemLevel.ERROR

    def __str__(self) -> str:
        place = ""
        if self.path is not None:
            place = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        where = f"{self.where}: " if self.where else ""
        return f"{place}{where}{self.message}"


@dataclass(frozen=True)
class Located:
    """A validated item and where it was defined, for messages about it later."""

    item: Question | Rubric
    path: Path
    line: int


@dataclass
class FileContents:
    questions: list[Located]
    rubrics: list[Located]
    problems: list[BankProblem]


def yaml_files(root: Path) -> Iterator[Path]:
    """Every YAML file under ``root`` in a stable order, skipping non-bank folders."""
    for path in sorted(root.rglob("*")):
        if path.suffix not in {".yaml", ".yml"} or not path.is_file():
            continue
        if SKIPPED_DIRS.intersection(path.relative_to(root).parts[:-1]):
            continue
        yield path


def read_bank_file(path: Path, shown_as: Path | None = None) -> FileContents:
    """Parse and validate one file. Never raises for bad content: problems are returned."""
    shown = shown_as or path
    contents = FileContents([], [], [])
    try:
        loader = yaml.SafeLoader(path.read_text(encoding="utf-8"))
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except (OSError, UnicodeDecodeError) as exc:
        contents.problems.append(BankProblem(shown, None, "", f"cannot read file: {exc}"))
        return contents
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(exc, "problem", None) or str(exc)
        contents.problems.append(BankProblem(shown, line, "", f"invalid YAML: {reason}"))
        return contents

    if data is None:
        return contents
    if not isinstance(data, dict):
        contents.problems.append(
            BankProblem(shown, 1, "", "expected a mapping with 'questions' and/or 'rubrics' at the top")
        )
        return contents
    for key in data:
        if key not in _SECTIONS:
            contents.problems.append(
                BankProblem(
                    shown, _line_of(node, (key,)), str(key), "unknown top-level key (expected 'questions' or 'rubrics')"
                )
            )
    for section, model in _SECTIONS.items():
        items = data.get(section) or []
        if not isinstance(items, list):
            contents.problems.append(BankProblem(shown, _line_of(node, (section,)), section, "must be a list"))
            continue
        target = contents.questions if section == "questions" else contents.rubrics
        for index, raw in enumerate(items):
            label = _item_label(section, index, raw)
            try:
                item = model.model_validate(raw)
            except ValidationError as exc:
                for err in exc.errors():
                    loc = (section, index, *err["loc"])
                    field = ".".join(str(p) for p in err["loc"]) or "(item)"
                    contents.problems.append(
                        BankProblem(shown, _line_of(node, loc), f"{label} {field}", _clean(err["msg"]))
                    )
                continue
            target.append(Located(item, shown, _line_of(node, (section, index)) or 1))  # type: ignore[arg-type]
    return contents


def _item_label(section: str, index: int, raw: Any) -> str:
    ident = raw.get("id") if isinstance(raw, dict) else None
    return f"{section}[{index}]" + (f" ({ident})" if ident else "")


def _clean(message: str) -> str:
    # pydantic prefixes custom validator messages with "Value error, "; users need only the reason.
    return message.removeprefix("Value error, ")


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the deepest YAML node on ``loc`` that exists."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == str(part)), None)
            if child is None:  # the field is missing: point at the mapping that lacks it
                break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line
