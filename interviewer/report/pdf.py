"""The PDF report (ReportLab): selectable text, embedded fonts and charts, numbered pages.

Layout: a summary page (score, readiness, judge, topic chart, next actions, every question at a
glance), then one block per question (prompt, answers with highlighted evidence, key points,
misconceptions, criteria, model answer), then delivery (spoken sessions only) and progress.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from interviewer.judge.grade import Coverage
from interviewer.report import charts
from interviewer.report.highlight import pieces
from interviewer.report.pdf_fonts import BODY, register_fonts
from interviewer.report.pdf_style import (
    BLUE,
    CONTENT_WIDTH,
    COVERED_BG,
    COVERED_INK,
    MISCONCEPTION_BG,
    MISSED_INK,
    MUTED,
    PANEL,
    PARTIAL_BG,
    PARTIAL_INK,
    Styles,
    grid,
    make_styles,
    score_chip,
    text,
)
from interviewer.report.record import QuestionReport, SessionReport, TurnReport

MARGIN = 18 * mm
_BG = {"covered": COVERED_BG, "partial": PARTIAL_BG, "misconception": MISCONCEPTION_BG}
_INK = {"covered": COVERED_INK, "partial": PARTIAL_INK, "misconception": MISSED_INK}
_MARK = {
    Coverage.COVERED: ("✔", "covered", COVERED_INK),
    Coverage.PARTIAL: ("◐", "partial", PARTIAL_INK),
    Coverage.MISSED: ("✘", "missed", MISSED_INK),
}
VERDICT_COLOURS = {"ready": "#2e7d32", "borderline": "#d69e00", "not-yet": "#c62828", "too-early": "#6b7280"}


def render_pdf(report: SessionReport) -> bytes:
    """The report as PDF bytes."""
    register_fonts()
    styles = make_styles()
    story: list[Flowable] = []
    story += _summary(report, styles)
    story.append(PageBreak())
    story.append(Paragraph("Questions and answers", styles.h1))
    for question in report.questions:
        story += _question(question, len(report.questions), styles)
    story += _delivery(report, styles)
    story += _progress(report, styles)
    buffer = io.BytesIO()
    session = report.session
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=f"Interview report: {session.track}, {session.level} ({session.id})",
        author=session.candidate or "mock-interviewer",
        subject="Mock interview feedback report",
        creator=report.generator,
    )
    footer = f"mock-interviewer · {session.track} · {session.level} · session {session.id}"
    doc.build(story, canvasmaker=_numbered_canvas(footer))
    return buffer.getvalue()


def _numbered_canvas(footer: str) -> type[pdfcanvas.Canvas]:
    """A canvas that writes 'page N of M' once the page count is known (pages are held until save)."""

    class NumberedCanvas(pdfcanvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(BODY, 7.5)
                self.setFillColor(MUTED)
                self.drawString(MARGIN, 10 * mm, footer)
                self.drawRightString(A4[0] - MARGIN, 10 * mm, f"Page {self._pageNumber} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def _chart(png: bytes | None, width: float = CONTENT_WIDTH) -> list[Flowable]:
    if png is None:
        return []
    w, h = ImageReader(io.BytesIO(png)).getSize()
    return [Image(io.BytesIO(png), width=width, height=width * h / w), Spacer(1, 4)]


# -- summary ---------------------------------------------------------------------------------------


def _summary(report: SessionReport, s: Styles) -> list[Flowable]:
    session, summary = report.session, report.summary
    out: list[Flowable] = [Paragraph("Mock interview report", s.title)]
    who = f" · {text(session.candidate)}" if session.candidate else ""
    out.append(
        Paragraph(
            f"{text(session.track)} track · {text(session.level)} level · {session.mode} · "
            f"{session.created_at:%d %B %Y}{who} · session {text(session.id)}",
            s.subtitle,
        )
    )
    if session.status == "in-progress":
        out.append(
            Paragraph(
                f"<b>In progress.</b> {session.questions_graded} of {session.questions_planned} questions graded so "
                f"far; continue with <b>interviewer resume {text(session.id)}</b>.",
                _tinted(s.body, "#fff4d6"),
            )
        )
    readiness = summary.readiness
    overall = "–" if summary.overall is None else str(summary.overall)
    colour = VERDICT_COLOURS[readiness.verdict]
    left = [Paragraph(overall, s.big), Paragraph("overall score / 100", _centred(s.small))]
    right = [
        Paragraph(f'<font color="{colour}"><b>{text(readiness.headline)}</b></font>', s.h2),
        Paragraph(text(readiness.reason), s.body),
        Paragraph(text(readiness.rule), s.small),
    ]
    box = Table([[left, right]], colWidths=[42 * mm, CONTENT_WIDTH - 42 * mm])
    box.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (0, 0), PANEL),
                ("LINEBEFORE", (1, 0), (1, 0), 3, colors.HexColor(colour)),
                ("LEFTPADDING", (1, 0), (1, 0), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    out += [box, Spacer(1, 6), Paragraph(text(report.judge.statement), _tinted(s.small, "#eef2ff")), Spacer(1, 4)]
    if summary.topic_scores:
        out.append(Paragraph("Scores by topic", s.h2))
        out += _chart(charts.topic_chart(summary.topic_scores, "png"), width=CONTENT_WIDTH * 0.85)
    out.append(Paragraph("Next actions", s.h2))
    if not summary.next_actions:
        out.append(Paragraph("Nothing stood out: every key point was covered.", s.body))
    for i, action in enumerate(summary.next_actions, start=1):
        out.append(
            Paragraph(
                f"<b>{text(action.title)}.</b> {text(action.detail)} "
                f'<font color="{BLUE}">→ interviewer bank show {text(action.question_id)}</font>',
                s.bullet,
                bulletText=f"{i}.",
            )
        )
    out.append(Paragraph("Questions at a glance", s.h2))
    rows: list[list[object]] = [[Paragraph(h, s.cell_bold) for h in ("#", "Question", "Topic", "Level", "Score")]]
    for q in report.questions:
        score = "–" if q.score is None else f'<font color="{charts.score_colour(q.score)}"><b>{q.score}</b></font>'
        rows.append(
            [
                Paragraph(str(q.number), s.cell),
                Paragraph(text(_clip(q.prompt, 150)), s.cell),
                Paragraph(text(q.topic), s.cell),
                Paragraph(text(q.level), s.cell),
                Paragraph(score, s.cell),
            ]
        )
    out.append(grid(rows, [8 * mm, 96 * mm, 38 * mm, 16 * mm, 16 * mm]))
    out += [Spacer(1, 6), _legend(s)]
    return out


def _legend(s: Styles) -> Paragraph:
    return Paragraph(
        "How to read the answers: "
        f'<span backColor="{COVERED_BG}">covered key point</span>  '
        f'<span backColor="{PARTIAL_BG}">partly covered</span>  '
        f'<span backColor="{MISCONCEPTION_BG}">misconception</span>  '
        f'<font color="{MISSED_INK}">✘ missed points are listed under each answer</font>. '
        "Labels like K2 tie a highlight to its key point.",
        s.small,
    )


# -- questions -------------------------------------------------------------------------------------


def _question(q: QuestionReport, total: int, s: Styles) -> list[Flowable]:
    # Start a question on a fresh page rather than leave its header stranded at the bottom.
    out: list[Flowable] = [CondPageBreak(70 * mm)]
    title = Paragraph(
        f"Question {q.number} of {total}<br/>"
        f'<font size="8.5" color="#6b7280">{text(q.topic)} · {text(q.level)} · {text(q.kind)}'
        f"{' · ' + text(q.competency) if q.competency else ''}</font>",
        s.h2,
    )
    head = Table([[title, score_chip(q.score, s.chip)]], colWidths=[CONTENT_WIDTH - 28 * mm, 28 * mm])
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    out += [head, Paragraph(text(q.prompt), s.prompt)]
    if q.context:
        out.append(Paragraph(f"<i>{text(q.context)}</i>", s.small))
    labels = {kp.key_point_id: kp.label for kp in q.key_points}
    follow_up = 0
    for turn in q.turns:
        if turn.kind == "follow-up":
            follow_up += 1
            out += [CondPageBreak(30 * mm), Paragraph(_follow_up_label(follow_up, turn, labels), s.label)]
            out.append(Paragraph(f"<i>{text(turn.prompt)}</i>", s.body))
        # No keep-with-next here: a long answer would drag its label to the next page and leave a
        # gap; a conditional break keeps the label off the very bottom of a page instead.
        out += [CondPageBreak(20 * mm), Paragraph("YOUR ANSWER", s.label_loose)]
        out += _answer(turn, s)
    if not q.graded:
        out.append(Paragraph("Not graded yet.", s.small))
        return out
    out += _grade(q, s)
    return out


def _follow_up_label(number: int, turn: TurnReport, labels: dict[str, str]) -> str:
    """'FOLLOW-UP 2 · probing K3' for a key point listed below; the gap in words otherwise."""
    head = f'<font color="{PARTIAL_INK}">FOLLOW-UP {number}</font>'
    if turn.gap_kind == "key_point" and turn.gap_id in labels:
        return f"{head} · probing key point {labels[turn.gap_id]}, missing from the answer so far"
    if turn.gap_about:
        kind = "a misconception" if turn.gap_kind == "misconception" else "a gap"
        return f"{head} · probing {kind}: <font name=\"{BODY}\">{text(turn.gap_about)}</font>"
    return head


def _answer(turn: TurnReport, s: Styles) -> list[Flowable]:
    if turn.answer is None:
        return [Paragraph("(not answered yet)", s.small)]
    paragraphs: list[list[str]] = [[]]
    for piece in pieces(turn.answer, turn.highlights):
        # Blank lines split paragraphs; a highlighted piece may itself span one.
        parts = piece.text.split("\n\n")
        for n, part in enumerate(parts):
            if n:
                paragraphs.append([])
            body = text(part)
            if piece.status is not None and part.strip():
                body = f'<span backColor="{_BG[piece.status]}">{body}</span>'
            paragraphs[-1].append(body)
        if piece.ends:
            ink = _INK[piece.status or "covered"]
            paragraphs[-1].append(f'<super><font size="6.5" color="{ink}"><b>{",".join(piece.ends)}</b></font></super>')
    flow: list[Flowable] = [Paragraph("".join(p), s.answer) for p in paragraphs if "".join(p).strip()]
    if turn.transcript_raw and turn.transcript_raw != turn.answer:
        flow.append(Paragraph(f"Heard by speech recognition: {text(turn.transcript_raw)}", s.small))
    return flow


def _grade(q: QuestionReport, s: Styles) -> list[Flowable]:
    out: list[Flowable] = []
    if q.key_points:
        out.append(Paragraph("Key points", s.label))
        for kp in q.key_points:
            mark, word, ink = _MARK[kp.status]
            out.append(
                Paragraph(
                    f'<font color="{ink}">{mark} <b>{kp.label}</b> {word}</font> — {text(kp.statement)}',
                    s.bullet,
                )
            )
    if q.misconceptions:
        out.append(Paragraph("Misconceptions", s.label))
        for m in q.misconceptions:
            out.append(
                Paragraph(
                    f'<font color="{MISSED_INK}">✘ <b>{m.label}</b> you said</font> “{text(m.evidence)}”<br/>'
                    f"<b>Correct fact:</b> {text(m.correction)}",
                    s.bullet,
                )
            )
    if q.criteria:
        rows: list[list[object]] = [[Paragraph(h, s.cell_bold) for h in ("Criterion", "Level", "Why")]]
        for c in q.criteria:
            dots = "●" * c.level + "○" * (4 - c.level)
            rows.append(
                [
                    Paragraph(text(c.name), s.cell),
                    Paragraph(f"{dots} {c.level}/4", s.cell),
                    Paragraph(f"{text(c.justification)}<br/><font color='#6b7280'>{text(c.anchor)}</font>", s.cell),
                ]
            )
        out.append(Paragraph("Criteria", s.label))
        out.append(grid(rows, [36 * mm, 22 * mm, CONTENT_WIDTH - 58 * mm]))
    improvements = _new_improvements(q)
    if improvements:
        out.append(Paragraph("To improve", s.label))
        out += [Paragraph(text(i), s.bullet, bulletText="•") for i in improvements]
    if q.model_answer:
        outline = [Paragraph("Model answer outline", s.label)]
        outline += [Paragraph(text(line), s.bullet, bulletText="•") for line in q.model_answer]
        out.append(KeepTogether(outline) if len(outline) <= 8 else outline[0])
        if len(outline) > 8:
            out += outline[1:]
    judge = q.judge
    if judge is not None:
        who = f"{judge.provider}" + (f" ({judge.model})" if judge.model else "")
        fallback = f" · fallback from {judge.fallback_from}" if judge.fallback_from else ""
        confidence = "" if q.confidence is None else f" · confidence {q.confidence:.0%}"
        out.append(Paragraph(f"Graded by {text(who)}{confidence}{text(fallback)}", _spaced(s.small)))
    for note in q.notes:
        out.append(Paragraph(f'<font color="{MISSED_INK}">⚠</font> {text(note)}', s.small))
    out.append(Spacer(1, 8))
    return out


def _new_improvements(q: QuestionReport) -> list[str]:
    """The judge's suggestions that do not just repeat a missed key point listed above."""
    listed = [kp.statement for kp in q.key_points if kp.status is not Coverage.COVERED]
    return [i for i in q.improvements if not any(statement in i for statement in listed)]


# -- delivery and progress -------------------------------------------------------------------------


def _delivery(report: SessionReport, s: Styles) -> list[Flowable]:
    d = report.delivery
    if d is None:
        return []
    out: list[Flowable] = [CondPageBreak(90 * mm), Paragraph("Delivery", s.h1)]
    out.append(
        Paragraph(
            f"Measured from the recordings of {d.answers} spoken answer(s): {d.words} words in "
            f"{d.talk_time_s:.0f} s of speech.",
            s.body,
        )
    )
    figures = [
        ("Words per minute", f"{d.words_per_minute:.0f}"),
        ("Fillers per 100 words", f"{d.fillers_per_100_words:.1f} ({d.fillers} in all)"),
        ("Long pauses", f"{d.long_pauses} (longest {d.longest_pause_s:.1f} s)"),
        ("Time to first word", f"{d.mean_time_to_first_word_s:.1f} s on average"),
        ("Talk time", f"{d.talk_time_s:.0f} s"),
    ]
    if d.filler_counts:
        figures.append(("Most used fillers", ", ".join(f"“{w}” ×{n}" for w, n in list(d.filler_counts.items())[:5])))
    rows: list[list[object]] = [[Paragraph(k, s.cell_bold), Paragraph(text(v), s.cell)] for k, v in figures]
    out += [grid(rows, [50 * mm, CONTENT_WIDTH - 50 * mm], header=False), Spacer(1, 6)]
    out += _chart(charts.delivery_chart(d, "png"), width=CONTENT_WIDTH * 0.9)
    header = ("Answer", "Words", "WPM", "Fillers/100", "Long pauses", "First word", "Talk time")
    per_turn: list[list[object]] = [[Paragraph(h, s.cell_bold) for h in header]]
    for row in d.rows:
        m = row.metrics
        values = (
            f"Q{row.question_number}" + ("" if row.kind == "main" else " follow-up"),
            str(m.words),
            f"{m.words_per_minute:.0f}",
            f"{m.fillers_per_100_words:.1f}",
            str(m.long_pauses),
            f"{m.time_to_first_word_s:.1f} s",
            f"{m.talk_time_s:.0f} s",
        )
        per_turn.append([Paragraph(v, s.cell) for v in values])
    out.append(grid(per_turn, [34 * mm, 18 * mm, 18 * mm, 24 * mm, 26 * mm, 26 * mm, 28 * mm]))
    return out


def _progress(report: SessionReport, s: Styles) -> list[Flowable]:
    progress = report.progress
    out: list[Flowable] = [CondPageBreak(90 * mm), Paragraph("Progress on this track", s.h1)]
    earlier = [p for p in progress.sessions if not p.is_this_session]
    if not earlier:
        out.append(Paragraph("This is your first session on this track: progress shows from the next one.", s.body))
    else:
        out.append(Paragraph(f"This session against your {len(earlier)} earlier session(s) on this track.", s.body))
        out += _chart(charts.progress_chart(progress.sessions, "png"), width=CONTENT_WIDTH * 0.9)
    out.append(Paragraph("Study list", s.h2))
    if not progress.study_list:
        out.append(Paragraph("No key point was missed in these sessions.", s.body))
        return out
    out.append(Paragraph("The key points missed most often in these sessions, with where to practise them.", s.small))
    rows: list[list[object]] = [[Paragraph(h, s.cell_bold) for h in ("Key point", "Topic", "Missed", "Practise")]]
    for item in progress.study_list:
        partial = f" (+{item.partial} partly)" if item.partial else ""
        rows.append(
            [
                Paragraph(text(item.statement), s.cell),
                Paragraph(text(item.topic), s.cell),
                Paragraph(f"{item.missed} of {item.asked}{partial}", s.cell),
                Paragraph(f"interviewer bank show {text(item.question_id)}", s.cell),
            ]
        )
    out.append(grid(rows, [88 * mm, 30 * mm, 20 * mm, 36 * mm]))
    return out


# -- small helpers ---------------------------------------------------------------------------------


def _clip(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def _tinted(style: Any, colour: str) -> Any:
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle(
        f"{style.name}-tint", parent=style, backColor=colors.HexColor(colour), borderPadding=5, spaceAfter=8,
        spaceBefore=2,
    )


def _centred(style: Any) -> Any:
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle(f"{style.name}-centre", parent=style, alignment=1)


def _spaced(style: Any) -> Any:
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle(f"{style.name}-spaced", parent=style, spaceBefore=5)
