"""The loaded question bank: questions, rubrics, and the checks that tie them together."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from interviewer.bank.models import Criterion, Kind, Level, Question, Rubric, Track
from interviewer.bank.source_files import BankProblem, Located, ProblemLevel, read_bank_file, yaml_files
from interviewer.errors import BankError, QuestionNotFound
from interviewer.paths import shipped_data_dir

SHARED_RUBRICS_FILE = "shared.yaml"


@dataclass(frozen=True)
class Bank:
    """An immutable, cross-checked set of questions and rubrics."""

    questions: dict[str, Question]
    rubrics: dict[str, Rubric]
    problems: tuple[BankProblem, ...] = ()
    roots: tuple[Path, ...] = ()
    _where: dict[tuple[str, str], tuple[Path, int]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def errors(self) -> list[BankProblem]:
        return [p for p in self.problems if p.level is ProblemLevel.ERROR]

    @property
    def warnings(self) -> list[BankProblem]:
        return [p for p in self.problems if p.level is ProblemLevel.WARNING]

    def question(self, question_id: str) -> Question:
        try:
            return self.questions[question_id]
        except KeyError:
            raise QuestionNotFound(f"no question with id '{question_id}' (see `interviewer bank list`)") from None

    def rubric_for(self, question: Question) -> Rubric:
        try:
            return self.rubrics[question.rubric]
        except KeyError:
            raise BankError(f"question '{question.id}' refers to unknown rubric '{question.rubric}'") from None

    def criteria_for(self, rubric: Rubric) -> list[Criterion]:
        """The rubric's criteria: inherited ones first, then its own (an own criterion overrides by id)."""
        merged: dict[str, Criterion] = {}
        for parent_id in rubric.extends:
            parent = self.rubrics.get(parent_id)
            if parent is not None and parent.id != rubric.id:
                for criterion in self.criteria_for(parent):
                    merged[criterion.id] = criterion
        for criterion in rubric.criteria:
            merged[criterion.id] = criterion
        return list(merged.values())

    def for_track(self, track: Track) -> list[Question]:
        return [q for q in self.questions.values() if track in q.tracks]

    def location(self, kind: str, item_id: str) -> tuple[Path, int] | None:
        """Where a question or rubric was defined, as (file, line)."""
        return self._where.get((kind, item_id))

    def raise_for_errors(self) -> Bank:
        """Return self, or raise a BankError listing the first problems."""
        errors = self.errors
        if errors:
            shown = "\n  ".join(str(p) for p in errors[:10])
            more = f"\n  ... and {len(errors) - 10} more" if len(errors) > 10 else ""
            raise BankError(f"the question bank has {len(errors)} error(s):\n  {shown}{more}")
        return self


def load_bank(path: Path | None = None) -> Bank:
    """Load and cross-check a bank.

    With no ``path``, the shipped bank (``question_bank/`` and ``rubrics/``).
    With a folder, a user's own bank: every YAML file in it, plus the shipped
    shared rubrics so that its rubrics can ``extend`` them. Problems are
    collected, not raised; call :meth:`Bank.raise_for_errors` to insist on a clean bank.
    """
    if path is None:
        sources = [
            (f, f)
            for root in (shipped_data_dir("question_bank"), shipped_data_dir("rubrics"))
            for f in yaml_files(root)
        ]
        roots: tuple[Path, ...] = (shipped_data_dir("question_bank"), shipped_data_dir("rubrics"))
    else:
        if not path.is_dir():
            raise BankError(f"bank folder not found: {path}")
        shared = shipped_data_dir("rubrics") / SHARED_RUBRICS_FILE
        sources = [(shared, shared)] + [(f, f) for f in yaml_files(path)]
        roots = (path,)
        if len(sources) == 1:
            raise BankError(f"no .yaml files in bank folder {path}")
    return _assemble(sources, roots)


def _assemble(sources: list[tuple[Path, Path]], roots: tuple[Path, ...]) -> Bank:
    problems: list[BankProblem] = []
    questions: dict[str, Question] = {}
    rubrics: dict[str, Rubric] = {}
    where: dict[tuple[str, str], tuple[Path, int]] = {}

    for path, shown in sources:
        contents = read_bank_file(path, shown)
        problems += contents.problems
        for kind, located_items, store in (
            ("question", contents.questions, questions),
            ("rubric", contents.rubrics, rubrics),
        ):
            for located in located_items:
                _add_unique(kind, located, store, where, problems)

    problems += _cross_check(questions, rubrics, where)
    return Bank(questions, rubrics, tuple(problems), roots, where)


def _add_unique(
    kind: str,
    located: Located,
    store: dict,
    where: dict[tuple[str, str], tuple[Path, int]],
    problems: list[BankProblem],
) -> None:
    item_id = located.item.id
    if item_id in store:
        first_path, first_line = where[(kind, item_id)]
        problems.append(
            BankProblem(
                located.path,
                located.line,
                f"{kind} {item_id}",
                f"duplicate id (first defined at {first_path}:{first_line})",
            )
        )
        return
    store[item_id] = located.item
    where[(kind, item_id)] = (located.path, located.line)


def _cross_check(
    questions: dict[str, Question],
    rubrics: dict[str, Rubric],
    where: dict[tuple[str, str], tuple[Path, int]],
) -> list[BankProblem]:
    problems: list[BankProblem] = []

    def report(kind: str, item_id: str, message: str, level: ProblemLevel = ProblemLevel.ERROR) -> None:
        path, line = where.get((kind, item_id), (None, None))
        problems.append(BankProblem(path, line, f"{kind} {item_id}", message, level))

    for rubric in rubrics.values():
        for parent_id in rubric.extends:
            parent = rubrics.get(parent_id)
            if parent is None:
                report("rubric", rubric.id, f"extends unknown rubric '{parent_id}'")
            elif not parent.shared:
                report("rubric", rubric.id, f"extends '{parent_id}', which is not a shared rubric")
        if not rubric.shared and not rubric.criteria and not rubric.extends:
            report("rubric", rubric.id, "has no criteria: define some or extend a shared rubric")

    used: set[str] = set()
    for question in questions.values():
        found = rubrics.get(question.rubric)
        if found is None:
            report("question", question.id, f"rubric '{question.rubric}' does not exist")
            continue
        rubric = found
        used.add(rubric.id)
        if rubric.shared:
            report(
                "question",
                question.id,
                f"rubric '{rubric.id}' is a shared rubric; a question needs one with key points",
            )
            continue
        for index, follow_up in enumerate(question.follow_ups):
            if rubric.key_point(follow_up.key_point) is None:
                known = ", ".join(k.id for k in rubric.key_points)
                report(
                    "question",
                    question.id,
                    f"follow_ups[{index}].key_point '{follow_up.key_point}' is not a key point of rubric '{rubric.id}' (known: {known})",
                )

    for rubric in rubrics.values():
        if not rubric.shared and rubric.id not in used:
            report("rubric", rubric.id, "is not used by any question", ProblemLevel.WARNING)

    present = {t for q in questions.values() for t in q.tracks}
    with_misconceptions = {
        t for q in questions.values() if (r := rubrics.get(q.rubric)) and r.misconceptions for t in q.tracks
    }
    for track in sorted(present - with_misconceptions, key=lambda t: t.value):
        problems.append(
            BankProblem(
                None,
                None,
                f"track {track.value}",
                "no rubric in this track lists a misconception",
                ProblemLevel.WARNING,
            )
        )
    return problems


def coverage(bank: Bank) -> Counter[tuple[Track, Level, Kind]]:
    """How many questions each (track, level, kind) cell has; a multi-track question counts in each track."""
    return Counter((track, q.level, q.kind) for q in bank.questions.values() for track in q.tracks)
