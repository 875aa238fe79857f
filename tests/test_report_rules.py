"""The report's rules on small hand-made records: readiness, next actions, judge wording, highlights."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from interviewer.delivery import DeliveryMetrics
from interviewer.judge.grade import Coverage, Grade, JudgeInfo, KeyPointResult, MisconceptionFound
from interviewer.report import charts, insights
from interviewer.report.highlight import locate_evidence, pieces
from interviewer.report.markdown import md_escape
from interviewer.report.pdf_fonts import CJK, has_cjk_font, markup
from interviewer.report.record import (
    CriterionReport,
    DeliveryRow,
    Highlight,
    KeyPointReport,
    MisconceptionReport,
    ProgressPoint,
    QuestionReport,
    TopicScore,
)


def question(
    number: int,
    score: int,
    level: str = "mid",
    topic: str | None = None,
    key_points: list[KeyPointReport] | None = None,
    misconceptions: list[MisconceptionReport] | None = None,
    criteria: list[CriterionReport] | None = None,
) -> QuestionReport:
    return QuestionReport(
        number=number,
        question_id=f"q{number}",
        prompt=f"Question {number}?",
        topic=topic or f"topic-{number}",
        competency="",
        level=level,
        kind="concept",
        graded=True,
        score=score,
        turns=[],
        key_points=key_points or [],
        misconceptions=misconceptions or [],
        criteria=criteria or [],
    )


def kp(label: str, status: Coverage, weight: float) -> KeyPointReport:
    return KeyPointReport(
        label=label, key_point_id=label.lower(), statement=f"Statement {label}", weight=weight, status=status
    )


def wrong(severity: str = "major") -> MisconceptionReport:
    return MisconceptionReport(
        label="M1",
        misconception_id="m1",
        claim="A wrong claim",
        evidence="I said it",
        correction="The fact",
        severity=severity,
    )


@pytest.mark.parametrize(
    ("scores", "levels", "verdict"),
    [
        ([80, 75, 72], ["mid"] * 3, "ready"),
        ([95, 95, 35], ["mid"] * 3, "borderline"),  # a mean of 75 with a clear gap is not ready
        ([60, 65, 55], ["mid", "senior", "mid"], "borderline"),
        ([90, 90], ["mid"] * 2, "too-early"),
        ([30], ["mid"], "not-yet"),
        ([90, 90, 90], ["junior"] * 3, "too-early"),  # easier questions cannot show mid readiness
        ([40, 45, 52], ["mid"] * 3, "not-yet"),
    ],
)
def test_readiness_follows_the_written_rule(scores, levels, verdict):
    questions = [question(i, s, lv) for i, (s, lv) in enumerate(zip(scores, levels, strict=True), start=1)]
    overall = round(sum(scores) / len(scores))
    result = insights.readiness("mid", questions, overall)
    assert result.verdict == verdict, result.reason
    assert result.rule == insights.READINESS_RULE


def test_a_critical_misconception_holds_readiness_back():
    questions = [question(1, 90, misconceptions=[wrong("critical")]), question(2, 85), question(3, 80)]
    result = insights.readiness("mid", questions, 85)
    assert result.verdict == "borderline" and "critical misconception" in result.reason


def test_next_actions_put_misconceptions_first_then_heavy_gaps_on_distinct_topics():
    questions = [
        question(1, 40, topic="rag", key_points=[kp("K1", Coverage.MISSED, 3), kp("K2", Coverage.MISSED, 3)]),
        question(2, 50, topic="evals", key_points=[kp("K1", Coverage.PARTIAL, 3), kp("K2", Coverage.MISSED, 1)]),
        question(3, 60, topic="agents", misconceptions=[wrong()]),
    ]
    actions = insights.next_actions(questions)
    assert [(a.kind, a.topic) for a in actions] == [
        ("misconception", "agents"),
        ("key-point", "rag"),
        ("key-point", "evals"),  # a partial weight-3 point (1.5) beats a missed weight-1 point
    ]
    assert actions[2].item_id == "k1"


def test_criteria_only_fill_places_content_gaps_leave():
    low = CriterionReport(criterion_id="tradeoffs", name="Trade-offs", level=1, anchor="", justification="one axis")
    questions = [
        question(1, 80, topic="rag", key_points=[kp("K1", Coverage.MISSED, 1)], criteria=[low]),
        question(2, 90, topic="evals", criteria=[low]),
    ]
    actions = insights.next_actions(questions)
    assert [a.kind for a in actions] == ["key-point", "criterion", "criterion"]
    assert insights.next_actions([question(1, 100)]) == []


@pytest.mark.parametrize(
    ("provider", "model", "estimate"),
    [
        ("rubric", "all-MiniLM-L6-v2", True),
        ("llamacpp", "SmolLM2-135M-Instruct-Q8_0.gguf", True),
        ("openai", "qwen2.5-1.5b-instruct", True),
        ("openai", "qwen2.5-7b-instruct", False),
        ("anthropic", "claude-sonnet-4", False),
    ],
)
def test_judge_statement_says_when_grades_are_automated_estimates(provider, model, estimate):
    statement = insights.judge_statement(provider, model, fallbacks=0)
    assert statement.automated_estimate is estimate
    assert ("automated estimates" in statement.statement) is estimate
    fallback = insights.judge_statement(provider, model, fallbacks=2)
    assert fallback.automated_estimate and "2 question(s) were graded by the offline rubric judge" in fallback.statement


def test_model_sizes_are_read_from_names():
    assert insights.model_params("/models/SmolLM2-135M-Instruct.gguf") == pytest.approx(1.35e8)
    assert insights.model_params("Llama-3.1-70B-Instruct") == pytest.approx(7e10)
    assert insights.model_params("gpt-4o") is None


def _grade(key_points: list[KeyPointResult], misconceptions: list[MisconceptionFound] | None = None) -> Grade:
    return Grade(
        question_id="q",
        criteria=[],
        key_points=key_points,
        misconceptions=misconceptions or [],
        overall=50,
        confidence=0.5,
        judge=JudgeInfo(provider="rubric", model="m", prompt_version="v"),
    )


def test_evidence_is_located_per_answer_even_across_two_answers():
    answers = ["Alpha beta gamma.", "Delta epsilon zeta."]
    grade = _grade(
        [
            KeyPointResult(key_point_id="a", status=Coverage.COVERED, evidence=["beta gamma.\n\nDelta epsilon"]),
            KeyPointResult(key_point_id="b", status=Coverage.PARTIAL, evidence=["zeta"]),
            KeyPointResult(key_point_id="c", status=Coverage.MISSED, evidence=[]),
        ],
        [MisconceptionFound(misconception_id="m", evidence="Alpha", correction="fact")],
    )
    first, second = locate_evidence(answers, grade, {"a": "K1", "b": "K2", "c": "K3"}, {"m": "M1"})
    assert [(answers[0][h.start : h.end], h.status, h.label) for h in first] == [
        ("Alpha", "misconception", "M1"),
        ("beta gamma.", "covered", "K1"),
    ]
    assert [(answers[1][h.start : h.end], h.status) for h in second] == [
        ("Delta epsilon", "covered"),
        ("zeta", "partial"),
    ]


def test_pieces_show_the_strongest_status_where_spans_overlap():
    text = "one two three four"
    highlights = [
        Highlight(start=0, end=13, status="partial", item_id="a", label="K1"),
        Highlight(start=4, end=8, status="misconception", item_id="m", label="M1"),
    ]
    cut = pieces(text, highlights)
    assert [(p.text, p.status, p.ends) for p in cut] == [
        ("one ", "partial", ()),
        ("two ", "misconception", ("M1",)),
        ("three", "partial", ("K1",)),
        (" four", None, ()),
    ]
    assert "".join(p.text for p in cut) == text


def test_delivery_summary_totals_measured_figures():
    def metrics(words: int, talk: float, fillers: int) -> DeliveryMetrics:
        return DeliveryMetrics(
            words=words, talk_time_s=talk, words_per_minute=words / talk * 60, fillers=fillers,
            fillers_per_100_words=fillers / words * 100, filler_counts={"um": fillers}, long_pauses=1,
            longest_pause_s=2.5, time_to_first_word_s=1.0, duration_s=talk + 1,
        )  # fmt: skip

    rows = [
        DeliveryRow(question_number=1, turn_index=0, kind="main", metrics=metrics(100, 40.0, 2)),
        DeliveryRow(question_number=1, turn_index=1, kind="follow-up", metrics=metrics(50, 20.0, 1)),
    ]
    summary = insights.delivery_summary(rows)
    assert summary is not None and insights.delivery_summary([]) is None
    assert (summary.words, summary.talk_time_s, summary.words_per_minute) == (150, 60.0, 150.0)
    assert (summary.fillers, summary.fillers_per_100_words, summary.filler_counts) == (3, 2.0, {"um": 3})
    assert (summary.long_pauses, summary.longest_pause_s, summary.mean_time_to_first_word_s) == (2, 2.5, 1.0)


def test_charts_are_deterministic():
    scores = [TopicScore(topic="rag", score=72, questions=1), TopicScore(topic="evals", score=41, questions=2)]
    for fmt in ("svg", "png"):
        assert charts.topic_chart(scores, fmt) == charts.topic_chart(scores, fmt)
    assert charts.topic_chart([], "svg") is None
    point = ProgressPoint(
        session_id="s",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        overall=50,
        level="mid",
        status="completed",
        is_this_session=True,
    )
    assert charts.progress_chart([point], "png") is None
    assert charts.progress_chart([point, point], "svg").startswith(b"<?xml")


def test_markdown_escaping_keeps_text_from_becoming_markup():
    escaped = md_escape("*bold* _x_ <b>hi</b> a|b [link](u) #tag\n- item\n1. first")
    assert escaped == r"\*bold\* \_x\_ \<b\>hi\</b\> a\|b \[link\](u) \#tag" + "\n\\- item\n\\1. first"


def test_pdf_markup_escapes_and_picks_a_font_per_script():
    out = markup("a<b & c\nПривет σ 😀 🚀\u200d")
    assert "a&lt;b &amp; c<br/>Привет σ 😀 " in out
    assert "[rocket]" in out and "\u200d" not in out
    # A word in a script no embedded font has is one placeholder, not a name per letter.
    assert markup("Thai: สวัสดี!").count("[thai text]") == 1
    if has_cjk_font():
        assert f'<font name="{CJK}">中文</font>' in markup("中文")
