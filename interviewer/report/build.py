"""Building the report record of a session from the database and the question bank."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from statistics import mean

from pydantic import ValidationError

from interviewer.bank import Bank
from interviewer.bank.models import Question, Rubric
from interviewer.delivery import DeliveryMetrics
from interviewer.errors import BankError
from interviewer.judge.grade import Grade
from interviewer.report import insights
from interviewer.report.highlight import locate_evidence
from interviewer.report.record import (
    CriterionReport,
    DeliveryRow,
    Highlight,
    KeyPointReport,
    MisconceptionReport,
    Progress,
    ProgressPoint,
    QuestionReport,
    SessionInfo,
    SessionReport,
    StudyItem,
    Summary,
    TurnReport,
)
from interviewer.storage import InterviewSession, SessionStore, Turn

#: How many sessions are scanned for the candidate's earlier sessions on the same track.
PROGRESS_SCAN = 1000
#: How many sessions the progress chart shows (the most recent ones).
PROGRESS_SESSIONS = 20
STUDY_LIST = 10


def build_report(store: SessionStore, bank: Bank, session_id: str, now: datetime | None = None) -> SessionReport:
    """The report record of a session (id or unique prefix); SessionNotFound if there is none.

    An unfinished session is reported as it stands, marked in progress.
    """
    record = store.get_session(session_id)
    turns = store.turns(record.id)
    grades = store.grades(record.id)
    questions = [_question(number, group, grades, bank) for number, group in enumerate(_group_turns(turns), start=1)]
    graded_scores = [q.score for q in questions if q.score is not None]
    completed = record.status == "completed"
    overall = record.overall if completed and record.overall is not None else None
    if overall is None and graded_scores:
        overall = round(mean(graded_scores))
    summary_json = json.loads(record.summary_json) if record.summary_json else {}
    fallbacks = sum(1 for q in questions if q.judge is not None and q.judge.fallback_from)
    delivery_rows = [
        DeliveryRow(question_number=q.number, turn_index=t.index, kind=t.kind, metrics=t.delivery)
        for q in questions
        for t in q.turns
        if t.delivery is not None
    ]
    return SessionReport(
        generated_at=now or datetime.now(UTC),
        generator=f"mock-interviewer {_package_version()}",
        session=SessionInfo(
            id=record.id,
            created_at=_aware(record.created_at),
            updated_at=_aware(record.updated_at),
            track=record.track,
            level=record.level,
            final_level=summary_json.get("final_level") if completed else None,
            mode=record.mode,
            status="completed" if completed else "in-progress",
            candidate=record.candidate,
            questions_planned=record.n_questions,
            questions_graded=len(graded_scores),
            answers=sum(1 for t in turns if t.answer_text is not None),
        ),
        judge=insights.judge_statement(record.judge_provider, record.judge_model, fallbacks),
        summary=Summary(
            overall=overall,
            topic_scores=insights.topic_scores(questions),
            readiness=insights.readiness(record.level, questions, overall),
            next_actions=insights.next_actions(questions),
        ),
        questions=questions,
        delivery=insights.delivery_summary(delivery_rows),
        progress=_progress(store, bank, record, overall),
    )


def _group_turns(turns: list[Turn]) -> list[list[Turn]]:
    """Turns per bank question: a main turn and the follow-ups after it."""
    groups: list[list[Turn]] = []
    for turn in turns:
        if turn.kind == "main" or not groups or groups[-1][0].question_id != turn.question_id:
            groups.append([turn])
        else:
            groups[-1].append(turn)
    return groups


@dataclass
class _BankView:
    """What the bank knows about a question; empty when it is no longer in the bank."""

    question: Question | None = None
    rubric: Rubric | None = None
    criteria: dict[str, tuple[str, dict[int, str]]] = field(default_factory=dict)


def _bank_view(bank: Bank, question_id: str) -> _BankView:
    # A session may have been taken with another bank (--bank) or a question since removed: the
    # report still renders from what the database holds.
    try:
        question = bank.question(question_id)
        rubric = bank.rubric_for(question)
    except BankError:
        return _BankView()
    criteria = {c.id: (c.name, c.levels) for c in bank.criteria_for(rubric)}
    return _BankView(question, rubric, criteria)


def _question(number: int, group: list[Turn], grades: dict[int, Grade], bank: Bank) -> QuestionReport:
    main = group[0]
    view = _bank_view(bank, main.question_id)
    graded_at = max((t.index for t in group if t.index in grades), default=None)
    grade = grades[graded_at] if graded_at is not None else None
    rubric = view.rubric

    kp_order = [k.id for k in rubric.key_points] if rubric else []
    if grade is not None:
        kp_order += [k.key_point_id for k in grade.key_points if k.key_point_id not in kp_order]
    kp_labels = {kp_id: f"K{i}" for i, kp_id in enumerate(kp_order, start=1)}
    m_labels = {m.misconception_id: f"M{i}" for i, m in enumerate(grade.misconceptions if grade else [], start=1)}

    graded_turns = [t for t in group if graded_at is not None and t.index <= graded_at]
    highlights = (
        locate_evidence([t.answer_text or "" for t in graded_turns], grade, kp_labels, m_labels)
        if grade is not None
        else []
    )
    turn_reports = [_turn(t, highlights[i] if i < len(highlights) else [], rubric) for i, t in enumerate(group)]

    question = view.question
    fields: dict[str, object] = dict(
        number=number,
        question_id=main.question_id,
        prompt=question.prompt if question else main.prompt,
        context=question.context if question else None,
        topic=question.topic if question else "unknown",
        competency=question.competency if question else "",
        level=question.level.value if question else "unknown",
        kind=question.kind.value if question else "unknown",
        graded=grade is not None,
        turns=turn_reports,
    )
    if grade is not None:
        fields.update(_grade_fields(grade, view, kp_labels, m_labels))
    return QuestionReport.model_validate(fields)


def _grade_fields(
    grade: Grade, view: _BankView, kp_labels: dict[str, str], m_labels: dict[str, str]
) -> dict[str, object]:
    rubric = view.rubric
    results = {k.key_point_id: k for k in grade.key_points}
    key_points = []
    for kp_id, label in kp_labels.items():
        result = results.get(kp_id)
        if result is None:
            continue
        known = rubric.key_point(kp_id) if rubric else None
        key_points.append(
            KeyPointReport(
                label=label,
                key_point_id=kp_id,
                statement=known.statement if known else kp_id,
                weight=known.weight if known else 1.0,
                status=result.status,
                evidence=list(result.evidence),
            )
        )
    claims = {m.id: m for m in rubric.misconceptions} if rubric else {}
    misconceptions = [
        MisconceptionReport(
            label=m_labels[m.misconception_id],
            misconception_id=m.misconception_id,
            claim=claims[m.misconception_id].claim if m.misconception_id in claims else m.correction,
            evidence=m.evidence,
            correction=m.correction,
            severity=claims[m.misconception_id].severity.value if m.misconception_id in claims else "major",
        )
        for m in grade.misconceptions
    ]
    criteria = []
    for c in grade.criteria:
        name, anchors = view.criteria.get(c.criterion_id, (c.criterion_id, {}))
        criteria.append(
            CriterionReport(
                criterion_id=c.criterion_id,
                name=name,
                level=c.level,
                anchor=anchors.get(c.level, ""),
                justification=c.justification,
            )
        )
    return {
        "score": grade.overall,
        "confidence": grade.confidence,
        "judge": grade.judge,
        "criteria": criteria,
        "key_points": key_points,
        "misconceptions": misconceptions,
        "strengths": list(grade.strengths),
        "improvements": list(grade.improvements),
        "model_answer": list(grade.model_answer) or (list(rubric.model_answer) if rubric else []),
        "flags": list(grade.flags),
        "notes": insights.flag_notes(grade.flags),
    }


def _turn(turn: Turn, highlights: list[Highlight], rubric: Rubric | None) -> TurnReport:
    about = None
    if rubric is not None and turn.gap_id:
        if turn.gap_kind == "misconception":
            about = next((m.claim for m in rubric.misconceptions if m.id == turn.gap_id), None)
        else:
            kp = rubric.key_point(turn.gap_id)
            about = kp.statement if kp else None
    delivery = None
    if turn.delivery_json:
        try:
            delivery = DeliveryMetrics.model_validate_json(turn.delivery_json)
        except ValidationError:
            delivery = None  # written by an older speech engine: show the answer without figures
    return TurnReport(
        index=turn.index,
        kind="follow-up" if turn.kind == "follow-up" else "main",
        prompt=turn.prompt,
        gap_kind=turn.gap_kind,
        gap_id=turn.gap_id,
        gap_about=about,
        answer=turn.answer_text,
        transcript_raw=turn.transcript_raw,
        highlights=highlights,
        answer_seconds=turn.answer_seconds,
        delivery=delivery,
    )


def _latest_per_question(grades: dict[int, Grade]) -> list[Grade]:
    """The grade of each question after its last graded turn."""
    latest: dict[str, tuple[int, Grade]] = {}
    for index, grade in grades.items():
        if grade.question_id not in latest or index > latest[grade.question_id][0]:
            latest[grade.question_id] = (index, grade)
    return [g for _, g in sorted(latest.values(), key=lambda pair: pair[0])]


def _progress(store: SessionStore, bank: Bank, record: InterviewSession, overall: int | None) -> Progress:
    """This session and the same candidate's earlier ones on the same track, oldest first."""
    this_created = _aware(record.created_at)
    peers = [
        s
        for s in store.list_sessions(PROGRESS_SCAN)
        if s.track == record.track
        and s.candidate == record.candidate
        and (s.id == record.id or _aware(s.created_at) <= this_created)
    ]
    peers.sort(key=lambda s: (_aware(s.created_at), s.id))
    peers = peers[-PROGRESS_SESSIONS:]
    points: list[ProgressPoint] = []
    tally: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])  # asked, missed, partial
    for s in peers:
        latest = _latest_per_question(store.grades(s.id))
        score = overall if s.id == record.id else s.overall
        if score is None and latest:
            score = round(mean(g.overall for g in latest))
        if score is not None:
            points.append(
                ProgressPoint(
                    session_id=s.id,
                    created_at=_aware(s.created_at),
                    overall=score,
                    level=s.level,
                    status="completed" if s.status == "completed" else "in-progress",
                    is_this_session=s.id == record.id,
                )
            )
        for grade in latest:
            for kp in grade.key_points:
                counts = tally[(grade.question_id, kp.key_point_id)]
                counts[0] += 1
                counts[1] += kp.status == "missed"
                counts[2] += kp.status == "partial"
    return Progress(sessions=points, study_list=_study_list(tally, bank))


def _study_list(tally: dict[tuple[str, str], list[int]], bank: Bank) -> list[StudyItem]:
    items: list[tuple[float, float, StudyItem]] = []
    for (question_id, kp_id), (asked, missed, partial) in tally.items():
        if not missed and not partial:
            continue
        view = _bank_view(bank, question_id)
        kp = view.rubric.key_point(kp_id) if view.rubric else None
        item = StudyItem(
            key_point_id=kp_id,
            statement=kp.statement if kp else kp_id,
            topic=view.question.topic if view.question else "unknown",
            question_id=question_id,
            missed=missed,
            partial=partial,
            asked=asked,
        )
        items.append((missed + 0.5 * partial, kp.weight if kp else 1.0, item))
    items.sort(key=lambda entry: (-entry[0], -entry[1]))
    return [item for _, _, item in items[:STUDY_LIST]]


def _aware(moment: datetime) -> datetime:
    # SQLite hands datetimes back without their zone; every timestamp the store writes is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _package_version() -> str:
    try:
        return version("mock-interviewer")
    except PackageNotFoundError:
        return "unknown"
