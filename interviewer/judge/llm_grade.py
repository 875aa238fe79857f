"""Turning what an LLM judge said into a validated, grounded ``Grade``.

Nothing the model returns is taken on trust:

- ids the rubric does not have are ignored; criteria and key points the model skipped are filled
  in as level 0 / missed;
- every quote is looked up in the candidate's answer (``evidence.find_quote``) and replaced by
  the answer's own words; quotes that are not there are dropped, and a covered or partial key
  point left without a verified quote becomes missed; each drop lowers the confidence;
- the overall score is computed in code (``overall_score``), never read from the model.

Prompt injection is handled before the model sees anything (:func:`prepare_request`): sentences
that ``injection.detect_injection`` flags are cut out of the answer, the model grades what is
left, and quotes are only accepted from what is left. So an injected sentence can neither
instruct the grader nor serve as evidence, and the grade cannot exceed the grade of the same
answer without it. (A cap was the alternative; it needs a second "clean" grade to cap against,
which is this same removal done twice.)
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
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
from interviewer.judge.llm_prompt import LLMGradeOutput, build_messages

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

_EXPECTED_KEYS = frozenset(LLMGradeOutput.model_fields)
_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.S)
# A sentence: up to terminal punctuation followed by whitespace (so "0.8" does not split) or a
# line end. Spans keep the answer's own characters so that removing one leaves the rest verbatim.
_SENTENCE = re.compile(r"\S[^\n]*?(?:[.!?]+(?=\s|$)|(?=\n)|$)")
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
        if not isinstance(items, list):
            raise MalformedOutput(f"the judge's '{key}' is not a list")
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


# --- Injection ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedRequest:
    """A request made ready for an LLM: injected text removed, messages built."""

    original: GradingRequest
    #: The request the model grades: the original with injected sentences cut out.
    graded: GradingRequest
    messages: list[dict[str, str]]
    #: Reasons from ``detect_injection``; empty when the answer is clean.
    injection: list[str] = field(default_factory=list)
    #: The sentences cut out, in the candidate's own characters.
    removed: list[str] = field(default_factory=list)

    @property
    def has_content(self) -> bool:
        """Whether anything gradable is left (no words means no model call is needed)."""
        return any(ch.isalnum() for ch in self.graded.answer_text)


def _detect(text: str) -> list[str]:
    # Imported here so that the LLM judges load even while injection.py is being changed, and so
    # that importing a provider does not pull in the detector's dependencies before a grade.
    from interviewer.judge.injection import detect_injection

    return list(detect_injection(text))


def _flagged_spans(answer: str) -> list[tuple[int, int]]:
    """Character spans of ``answer`` to remove: the smallest runs of sentences the detector flags."""
    sentences = [(m.start(), m.end()) for m in _SENTENCE.finditer(answer)]
    for width in (1, 2, 3):
        spans = [
            (sentences[i][0], sentences[i + width - 1][1])
            for i in range(len(sentences) - width + 1)
            if _detect(answer[sentences[i][0] : sentences[i + width - 1][1]])
        ]
        if spans:
            return spans
    # The detector sees an attack in the whole answer but in no short run of it: drop it all.
    return [(0, len(answer))]


def _cut(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[str]]:
    keep, removed, pos = [], [], 0
    for start, end in sorted(spans):
        start = max(start, pos)
        if end <= start:
            continue
        keep.append(text[pos:start])
        removed.append(text[start:end])
        pos = end
    keep.append(text[pos:])
    return "".join(keep), removed


def prepare_request(request: GradingRequest) -> PreparedRequest:
    """Detect injection, cut the injected sentences out, and build the messages for the model."""
    reasons = _detect(request.answer_text)
    if not reasons:
        return PreparedRequest(request, request, build_messages(request))
    exchanges, removed = [], []
    for exchange in request.exchanges:
        if _detect(exchange.answer):
            kept, cut = _cut(exchange.answer, _flagged_spans(exchange.answer))
            exchange, removed = replace(exchange, answer=kept.strip()), removed + cut
        exchanges.append(exchange)
    if not removed:
        # Flagged only across answers (e.g. split over two follow-ups): none of them can be trusted.
        removed = [e.answer for e in request.exchanges]
        exchanges = [replace(e, answer="") for e in request.exchanges]
    graded = replace(request, exchanges=exchanges)
    return PreparedRequest(request, graded, build_messages(graded), reasons, removed)


# --- Building the grade -----------------------------------------------------------------------------


class _Evidence:
    """Verifies quotes against the graded text and counts what had to be dropped."""

    def __init__(self, prepared: PreparedRequest) -> None:
        self._graded = prepared.graded.answer_text
        self._original = prepared.original.answer_text
        self.dropped = 0

    def verify(self, quote: str) -> str | None:
        quote = quote.strip()
        if not quote:
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
    incomplete = False
    unsupported = 0

    given_criteria = _first_by_id(output.criteria, {c.id for c in request.criteria})
    criteria: list[CriterionScore] = []
    for criterion in request.criteria:
        item = given_criteria.get(criterion.id)
        if item is None:
            incomplete = True
            criteria.append(
                CriterionScore(criterion_id=criterion.id, level=0, justification="Not assessed by the judge.")
            )
        else:
            justification = _text(item.justification) or "No justification given."
            criteria.append(CriterionScore(criterion_id=criterion.id, level=item.level, justification=justification))

    given_points = _first_by_id(output.key_points, {k.id for k in rubric.key_points})
    key_points: list[KeyPointResult] = []
    for point in rubric.key_points:
        item = given_points.get(point.id)
        if item is None:
            incomplete = True
            key_points.append(KeyPointResult(key_point_id=point.id, status=Coverage.MISSED))
            continue
        status = {"covered": Coverage.COVERED, "partial": Coverage.PARTIAL}.get(item.status, Coverage.MISSED)
        if status is Coverage.MISSED:
            key_points.append(KeyPointResult(key_point_id=point.id, status=status))
            continue
        quotes: list[str] = []
        for quote in item.quotes[:MAX_QUOTES_PER_POINT]:
            span = evidence.verify(quote)
            if span is not None and span not in quotes:
                quotes.append(span)
        if not quotes:
            # A coverage claim the answer does not back is not a coverage claim.
            unsupported += 1
            status = Coverage.MISSED
        key_points.append(KeyPointResult(key_point_id=point.id, status=status, evidence=quotes))

    misconceptions: list[MisconceptionFound] = []
    known = {m.id: m for m in rubric.misconceptions}
    for m_id, item in _first_by_id(output.misconceptions, set(known)).items():
        span = evidence.verify(item.quote)
        if span is None:
            unsupported += not item.quote.strip()
            continue
        misconceptions.append(
            MisconceptionFound(misconception_id=m_id, evidence=span, correction=known[m_id].correction)
        )

    strengths: list[Strength] = []
    for item in output.strengths:
        point = _text(item.point)
        span = evidence.verify(item.quote)
        if span is None:
            unsupported += not item.quote.strip()
            continue
        if point and len(strengths) < MAX_NOTES:
            strengths.append(Strength(point=point, evidence=span))

    improvements = list(dict.fromkeys(t for t in (_text(i) for i in output.improvements) if t))[:MAX_NOTES]
    missed = {r.key_point_id for r in key_points if r.status is Coverage.MISSED}
    if not improvements:
        improvements = [f"Cover this: {k.statement}" for k in rubric.key_points if k.id in missed][:MAX_NOTES]

    drops = evidence.dropped + unsupported
    confidence = base_confidence * DROP_PENALTY**drops
    flags: list[str] = []
    if prepared.injection:
        flags.append("injection-attempt")
        confidence *= INJECTION_PENALTY
    if drops:
        flags.append("evidence-dropped")
    if incomplete:
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
