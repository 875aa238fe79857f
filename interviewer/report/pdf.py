"""The PDF report (ReportLab): selectable text, embedded fonts and charts, numbered pages.

Layout: a summary page (score, readiness, judge, topic chart, next actions, every question at a
glance), then one block per question (prompt, answers with highlighted evidence, key points,
misconceptions, criteria, model answer), then delivery (spoken sessions only) and progress.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
)

from interviewer.judge.grade import Coverage
from interviewer.report import insights, pdf_sections
from interviewer.report.highlight import pieces
from interviewer.report.pdf_fonts import BODY, register_fonts
from interviewer.report.pdf_style import (
    CONTENT_WIDTH,
    COVERED_BG,
    COVERED_INK,
    MISCONCEPTION_BG,
    MISSED_INK,
    MUTED,
    PARTIAL_BG,
    PARTIAL_INK,
    Styles,
    grid,
    make_styles,
    score_chip,
    table_style,
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


def render_pdf(report: SessionReport) -> bytes:
    """The report as PDF bytes."""
    register_fonts()
    styles = make_styles()
    story: list[Flowable] = []
    story += pdf_sections.summary(report, styles)
    story.append(PageBreak())
    story.append(Paragraph("Questions and answers", styles.h1))
    for question in report.questions:
        story += _question(question, len(report.questions), styles)
    story += pdf_sections.delivery(report, styles)
    story += pdf_sections.progress(report, styles)
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
        # Pages start in the embedded font: the PDF then references no unembedded Helvetica.
        initialFontName=BODY,
        lang="en",
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
    head.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (0, 0), 0)]))
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
        return f'{head} · probing {kind}: <font name="{BODY}">{text(turn.gap_about)}</font>'
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
    improvements = insights.fresh_improvements(q)
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
        out.append(Paragraph(f"Graded by {text(who)}{confidence}{text(fallback)}", s.graded_by))
    for note in q.notes:
        out.append(Paragraph(f'<font color="{MISSED_INK}">⚠</font> {text(note)}', s.small))
    out.append(Spacer(1, 8))
    return out
