"""Turning what an LLM judge said into a validated, grounded ``Grade``.

Nothing the model returns is taken on trust:

- ids the rubric does not have are ignored; criteria and key points the model skipped are filled
  in as level 0 / missed;
- every quote is looked up in the candidate's answer (``evidence.find_quote``) and replaced by
  the answer's own words; quotes that are not there are dropped, and a covered or partial key
  point left without a verified quote becomes missed; each drop lowers the confidence;
- the overall score is computed in code (``overall_score``), never read from the model.

Quotes are accepted only from the text the model was shown: with prompt injection, that is the
answer with the injected sentences cut out (``llm_prompt.prepare_request``), so an injected
sentence can never serve as evidence either.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from interviewer.errors import JudgeError
from interviewer.judge.base import GradingRequest
from interviewer.judge.evidence import find_quote
from interviewer.judge.grade import (
    Coverage,
    CriterionScore,
    Grade,
    JudgeInfo,
    KeyPointResult,
    MisconceptionFound,
    Strength,
    overall_score,
)
from interviewer.judge.llm_prompt import LLMGradeOutput, PreparedRequest
from interviewer.judge.sentences import split_sentences
from interviewer.judge.stuffing import STUFFING_FLAG, stuffed_sentences

#: Each dropped quote or unsupported claim multiplies the confidence by this.
DROP_PENALTY = 0.85
#: Applied once when the model skipped criteria or key points that had to be filled in.
INCOMPLETE_PENALTY = 0.8
#: Applied once when injection was detected: the remaining text may still be shaped to game the grader.
INJECTION_PENALTY = 0.8
MIN_CONFIDENCE = 0.05
MAX_QUOTES_PER_POINT = 3
MAX_NOTES = 5
MAX_TEXT_CHARS = 500

_STATUS = {"covered": Coverage.COVERED, "partial": Coverage.PARTIAL}
_EXPECTED_KEYS = frozenset(LLMGradeOutput.model_fields)
_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.S)
_MAX_DECODE_TRIES = 20


class MalformedOutput(JudgeError):
    """The model's reply could not be read as the expected JSON object."""


def extract_json(text: str) -> dict[str, Any]:
    """The grade object in a model's reply, tolerating code fences, preambles and trailing text."""
    candidates = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    decoder = json.JSONDecoder()
    for candidate in candidates:
        start = candidate.find("{")
        tries = 0
        while start != -1 and tries < _MAX_DECODE_TRIES:
            tries += 1
            try:
                value, _ = decoder.raw_decode(candidate, start)
            except json.JSONDecodeError:
                value = None
            # The first object with at least one expected key: skips a stray {} in a preamble.
            if isinstance(value, dict) and _EXPECTED_KEYS & value.keys():
                return value
            start = candidate.find("{", start + 1)
    preview = " ".join(text.split())[:120]
    raise MalformedOutput(f"the judge's reply holds no grade JSON object (starts: {preview!r})")


def parse_output(raw: str | Mapping[str, Any]) -> LLMGradeOutput:
    """Parse a reply (text, or an already-decoded object such as a tool call's input).

    Items that do not validate are skipped one by one; only a reply with no usable structure
    at all is malformed.
    """
    data = extract_json(raw) if isinstance(raw, str) else dict(raw)
    if not _EXPECTED_KEYS & data.keys():
        raise MalformedOutput(f"the judge's reply has none of the fields {sorted(_EXPECTED_KEYS)}")
    cleaned: dict[str, Any] = {}
    for key in ("criteria", "key_points", "misconceptions", "strengths"):
        items = data.get(key)
        if items is None:
            continue
        if isinstance(items, dict) and key in ("criteria", "key_points"):
            # The keyed form the schema asks for: {"<id>": {...}}; the list form is also read.
            items = [{**value, "id": item_id} for item_id, value in items.items() if isinstance(value, dict)]
        if not isinstance(items, list):
            raise MalformedOutput(f"the judge's '{key}' is neither a list nor an object keyed by id")
        cleaned[key] = [item for item in items if _valid_item(key, item)]
    improvements = data.get("improvements")
    if isinstance(improvements, list):
        cleaned["improvements"] = [str(i) for i in improvements if isinstance(i, str | int | float)]
    elif isinstance(improvements, str):
        cleaned["improvements"] = [improvements]
    try:
        return LLMGradeOutput.model_validate(cleaned)
    except ValidationError as exc:  # pragma: no cover - items were validated one by one above
        raise MalformedOutput(f"the judge's reply does not fit the grade shape: {exc.error_count()} error(s)") from None


def _valid_item(key: str, item: Any) -> bool:
    try:
        LLMGradeOutput.model_validate({key: [item]})
    except ValidationError:
        return False
    return True


# --- Building the grade -----------------------------------------------------------------------------


class _Evidence:
    """Verifies quotes against the graded text and counts the claims that had to be dropped."""

    def __init__(self, prepared: PreparedRequest) -> None:
        self._graded = prepared.graded.answer_text
        self._original = prepared.original.answer_text
        #: Quotes given but not found in the answer.
        self.dropped = 0
        #: Claims (coverage, a misconception, a strength) made with no quote at all.
        self.unsupported = 0

    def verify(self, quote: str, *, claim: bool = False) -> str | None:
        """The answer's own span for ``quote``, or None (counted when ``claim`` rests on it alone)."""
        quote = quote.strip()
        if not quote:
            self.unsupported += claim
            return None
        span = find_quote(quote, self._graded)
        # A span found in the cleaned text may straddle a removed sentence; it must also be
        # verbatim in what the candidate really said.
        if span is None or span not in self._original:
            self.dropped += 1
            return None
        return span


def _first_by_id(items: list[Any], known: set[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in items:
        if item.id in known and item.id not in found:
            found[item.id] = item
    return found


def _text(value: str) -> str:
    return " ".join(value.split())[:MAX_TEXT_CHARS]


def _criteria(output: LLMGradeOutput, request: GradingRequest) -> tuple[list[CriterionScore], bool]:
    """A score per rubric criterion, in rubric order; True when some had to be filled in."""
    given = _first_by_id(output.criteria, {c.id for c in request.criteria})
    scores, filled = [], False
    for criterion in request.criteria:
        item = given.get(criterion.id)
        if item is None:
            filled = True
            scores.append(
                CriterionScore(criterion_id=criterion.id, level=0, justification="Not assessed by the judge.")
            )
        else:
            justification = _text(item.justification) or "No justification given."
            scores.append(CriterionScore(criterion_id=criterion.id, level=item.level, justification=justification))
    return scores, filled


def _key_points(
    output: LLMGradeOutput, request: GradingRequest, evidence: _Evidence
) -> tuple[list[KeyPointResult], bool]:
    """A result per rubric key point; covered/partial only with a verified quote."""
    given = _first_by_id(output.key_points, {k.id for k in request.rubric.key_points})
    results, filled = [], False
    for point in request.rubric.key_points:
        item = given.get(point.id)
        status = Coverage.MISSED if item is None else _STATUS.get(item.status, Coverage.MISSED)
        filled = filled or item is None
        quotes: list[str] = []
        if item is not None and status is not Coverage.MISSED:
            for quote in item.quotes[:MAX_QUOTES_PER_POINT]:
                span = evidence.verify(quote)
                if span is not None and span not in quotes:
                    quotes.append(span)
            if not quotes:
                # A coverage claim the answer does not back is not a coverage claim.
                evidence.unsupported += 1
                status = Coverage.MISSED
        results.append(KeyPointResult(key_point_id=point.id, status=status, evidence=quotes))
    return results, filled


def _misconceptions(output: LLMGradeOutput, request: GradingRequest, evidence: _Evidence) -> list[MisconceptionFound]:
    known = {m.id: m for m in request.rubric.misconceptions}
    found: list[MisconceptionFound] = []
    for m_id, item in _first_by_id(output.misconceptions, set(known)).items():
        span = evidence.verify(item.quote, claim=True)
        if span is not None:
            found.append(MisconceptionFound(misconception_id=m_id, evidence=span, correction=known[m_id].correction))
    return found


def _strengths(output: LLMGradeOutput, evidence: _Evidence) -> list[Strength]:
    strengths: list[Strength] = []
    for item in output.strengths:
        span = evidence.verify(item.quote, claim=True)
        if span is not None and _text(item.point) and len(strengths) < MAX_NOTES:
            strengths.append(Strength(point=_text(item.point), evidence=span))
    return strengths


def build_grade(
    output: LLMGradeOutput,
    prepared: PreparedRequest,
    judge: JudgeInfo,
    *,
    base_confidence: float = 0.8,
) -> Grade:
    """The validated ``Grade`` for ``output``, every quote checked against the candidate's answer."""
    request = prepared.original
    rubric = request.rubric
    evidence = _Evidence(prepared)
    criteria, criteria_filled = _criteria(output, request)
    key_points, points_filled = _key_points(output, request, evidence)
    misconceptions = _misconceptions(output, request, evidence)
    strengths = _strengths(output, evidence)

    improvements = list(dict.fromkeys(t for t in (_text(i) for i in output.improvements) if t))[:MAX_NOTES]
    if not improvements:
        missed = {r.key_point_id for r in key_points if r.status is Coverage.MISSED}
        improvements = [f"Cover this: {k.statement}" for k in rubric.key_points if k.id in missed][:MAX_NOTES]

    drops = evidence.dropped + evidence.unsupported
    confidence = base_confidence * DROP_PENALTY**drops
    flags: list[str] = []
    if prepared.injection:
        flags.append("injection-attempt")
        confidence *= INJECTION_PENALTY
    if stuffed_sentences(split_sentences(request.answer_text), rubric):
        flags.append(STUFFING_FLAG)
    if drops:
        flags.append("evidence-dropped")
    if criteria_filled or points_filled:
        flags.append("judge-output-incomplete")
        confidence *= INCOMPLETE_PENALTY

    return Grade(
        question_id=request.question.id,
        criteria=criteria,
        key_points=key_points,
        misconceptions=misconceptions,
        strengths=strengths,
        improvements=improvements,
        model_answer=list(rubric.model_answer),
        overall=overall_score(criteria, request.criteria, key_points, rubric.key_points, len(misconceptions)),
        confidence=round(max(MIN_CONFIDENCE, min(1.0, confidence)), 3),
        judge=judge,
        flags=flags,
    )


def empty_answer_output(request: GradingRequest) -> LLMGradeOutput:
    """What any judge would say about an answer with no words left: nothing covered, level 0.

    Used without calling a model when the answer is empty or was entirely injected text.
    """
    return LLMGradeOutput.model_validate(
        {
            "criteria": [{"id": c.id, "level": 0, "justification": "No gradable answer."} for c in request.criteria],
            "key_points": [{"id": k.id, "status": "missed"} for k in request.rubric.key_points],
        }
    )
