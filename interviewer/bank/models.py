"""The question bank's data model: questions, rubrics and their parts.

Everything in ``question_bank/`` and ``rubrics/`` is YAML validated by these
models. They are frozen so that a loaded bank can be shared between sessions
and threads without anyone mutating it underneath the others.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*[a-z0-9]$", max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Track(StrEnum):
    """A role track. ``core`` holds what every loop tests: fundamentals, system design, behavioral."""

    CLASSICAL_ML = "classical-ml"
    LLM_APP = "llm-app"
    AGENTS = "agents"
    ML_INFRA = "ml-infra"
    MULTIMODAL = "multimodal"
    CORE = "core"


#: The tracks a candidate can pick; ``core`` questions are mixed into every one of them.
ROLE_TRACKS: tuple[Track, ...] = tuple(t for t in Track if t is not Track.CORE)


class Level(StrEnum):
    JUNIOR = "junior"
    MID = "mid"
    SENIOR = "senior"

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self]


_LEVEL_RANK = {Level.JUNIOR: 0, Level.MID: 1, Level.SENIOR: 2}


class Kind(StrEnum):
    CONCEPT = "concept"
    SCENARIO = "scenario"  # includes debugging: "the model does X in production, what do you do?"
    DESIGN = "design"
    BEHAVIORAL = "behavioral"


class Severity(StrEnum):
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"


class _Strict(BaseModel):
    # Unknown keys are errors: a misspelt field in a bank file must not be silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """Where the facts behind a question come from (never its wording)."""

    file: Text
    section: Text


class FollowUp(_Strict):
    """A follow-up question, asked when the answer missed the key point it probes."""

    key_point: Slug
    prompt: Text


class Question(_Strict):
    id: Slug
    tracks: list[Track] = Field(min_length=1)
    topic: Slug
    competency: Text
    level: Level
    kind: Kind
    prompt: Text
    context: Text | None = None
    rubric: Slug
    follow_ups: list[FollowUp] = Field(min_length=2, max_length=4)
    time_budget_s: int = Field(ge=30, le=1800)
    tags: list[Slug] = Field(default_factory=list)
    source: Source

    @field_validator("tracks")
    @classmethod
    def _no_repeated_tracks(cls, tracks: list[Track]) -> list[Track]:
        if len(set(tracks)) != len(tracks):
            raise ValueError("a track is listed twice")
        return tracks


class Criterion(_Strict):
    """A weighted grading criterion with an anchored description for each level 0-4."""

    id: Slug
    name: Text
    weight: float = Field(gt=0)
    levels: dict[int, Text]

    @field_validator("levels")
    @classmethod
    def _all_five_levels(cls, levels: dict[int, str]) -> dict[int, str]:
        if sorted(levels) != [0, 1, 2, 3, 4]:
            raise ValueError(f"needs exactly the levels 0, 1, 2, 3 and 4, got {sorted(levels)}")
        return levels


class KeyPoint(_Strict):
    """Something a strong answer says, and the phrases that signal it was said."""

    id: Slug
    statement: Text
    weight: float = Field(gt=0)
    terms: list[Text] = Field(min_length=2)


class Misconception(_Strict):
    """A wrong claim candidates make, its correction, and phrases that signal it."""

    id: Slug
    claim: Text
    correction: Text
    severity: Severity
    signals: list[Text] = Field(min_length=1)


class Rubric(_Strict):
    """How answers to one question (or, when ``shared``, to many) are graded.

    A question's rubric lists its key points and misconceptions and usually
    inherits its criteria from shared rubrics through ``extends``.
    """

    id: Slug
    title: Text
    shared: bool = False
    extends: list[Slug] = Field(default_factory=list)
    criteria: list[Criterion] = Field(default_factory=list)
    key_points: list[KeyPoint] = Field(default_factory=list)
    misconceptions: list[Misconception] = Field(default_factory=list)
    model_answer: list[Text] = Field(default_factory=list)
    weak_answer: Text | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Rubric:
        for label, items in (
            ("criteria", self.criteria),
            ("key_points", self.key_points),
            ("misconceptions", self.misconceptions),
        ):
            ids = [item.id for item in items]
            repeated = sorted({i for i in ids if ids.count(i) > 1})
            if repeated:
                raise ValueError(f"{label}: duplicate id {', '.join(repeated)}")
        if self.shared:
            if not self.criteria:
                raise ValueError("a shared rubric must define criteria")
        else:
            if len(self.key_points) < 3:
                raise ValueError(f"needs at least 3 key_points, has {len(self.key_points)}")
            if not self.model_answer:
                raise ValueError("needs a model_answer outline")
            if not self.weak_answer:
                raise ValueError("needs a weak_answer description")
        return self

    def key_point(self, key_point_id: str) -> KeyPoint | None:
        return next((k for k in self.key_points if k.id == key_point_id), None)


class BankFile(_Strict):
    """One YAML file: questions, rubrics, or both."""

    questions: list[Question] = Field(default_factory=list)
    rubrics: list[Rubric] = Field(default_factory=list)
