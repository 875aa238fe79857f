"""The PDF's summary page and its closing sections: delivery (spoken sessions) and progress."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import CondPageBreak, Flowable, Image, Paragraph, Spacer, Table

from interviewer.report import charts, insights
from interviewer.report.pdf_style import (
    BLUE,
    CONTENT_WIDTH,
    COVERED_BG,
    MISCONCEPTION_BG,
    MISSED_INK,
    PANEL,
    PARTIAL_BG,
    Styles,
    clip,
    grid,
    table_style,
    text,
)
from interviewer.report.record import SessionReport

VERDICT_COLOURS = {"ready": "#2e7d32", "borderline": "#d69e00", "not-yet": "#c62828", "too-early": "#6b7280"}


def chart(png: bytes | None, width: float = CONTENT_WIDTH) -> list[Flowable]:
    if png is None:
        return []
    w, h = ImageReader(io.BytesIO(png)).getSize()
    return [Image(io.BytesIO(png), width=width, height=width * h / w), Spacer(1, 4)]


# -- summary ---------------------------------------------------------------------------------------


def summary(report: SessionReport, s: Styles) -> list[Flowable]:
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
                s.banner,
            )
        )
    readiness = summary.readiness
    overall = "–" if summary.overall is None else str(summary.overall)
    colour = VERDICT_COLOURS[readiness.verdict]
    left = [Paragraph(overall, s.big), Paragraph("overall score / 100", s.caption)]
    right = [
        Paragraph(f'<font color="{colour}"><b>{text(readiness.headline)}</b></font>', s.h2),
        Paragraph(text(readiness.reason), s.body),
        Paragraph(text(readiness.rule), s.small),
    ]
    box = Table([[left, right]], colWidths=[42 * mm, CONTENT_WIDTH - 42 * mm])
    box.setStyle(
        table_style(
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
    out += [box, Spacer(1, 6), Paragraph(text(report.judge.statement), s.judge_note), Spacer(1, 4)]
    if summary.topic_scores:
        out.append(Paragraph("Scores by topic", s.h2))
        out += chart(charts.topic_chart(summary.topic_scores, "png"), width=CONTENT_WIDTH * 0.85)
    out.append(Paragraph("Next actions", s.h2))
    if not summary.next_actions:
        out.append(Paragraph(insights.no_actions_note(session.questions_graded), s.body))
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
                Paragraph(text(clip(q.prompt, 150)), s.cell),
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


# -- delivery and progress -------------------------------------------------------------------------


def delivery(report: SessionReport, s: Styles) -> list[Flowable]:
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
    out += chart(charts.delivery_chart(d, "png"), width=CONTENT_WIDTH * 0.9)
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


def progress(report: SessionReport, s: Styles) -> list[Flowable]:
    progress = report.progress
    out: list[Flowable] = [CondPageBreak(90 * mm), Paragraph("Progress on this track", s.h1)]
    earlier = [p for p in progress.sessions if not p.is_this_session]
    if not earlier:
        out.append(Paragraph("This is your first session on this track: progress shows from the next one.", s.body))
    else:
        out.append(Paragraph(f"This session against your {len(earlier)} earlier session(s) on this track.", s.body))
        out += chart(charts.progress_chart(progress.sessions, "png"), width=CONTENT_WIDTH * 0.9)
    out += [CondPageBreak(60 * mm), Paragraph("Study list", s.h2)]
    if not progress.study_list:
        out.append(Paragraph("No key point was missed in these sessions.", s.body))
        return out
    out.append(
        Paragraph(
            "The key points missed most often in these sessions; practise each with <b>interviewer bank show QUESTION</b>.",
            s.small,
        )
    )
    header = ("Key point", "Topic", "Missed", "Question to practise")
    rows: list[list[object]] = [[Paragraph(h, s.cell_bold) for h in header]]
    for item in progress.study_list:
        partial = f" (+{item.partial} partly)" if item.partial else ""
        rows.append(
            [
                Paragraph(text(item.statement), s.cell),
                Paragraph(text(item.topic), s.cell),
                Paragraph(f"{item.missed} of {item.asked}{partial}", s.cell),
                Paragraph(text(item.question_id), s.cell),
            ]
        )
    out.append(grid(rows, [76 * mm, 34 * mm, 20 * mm, 44 * mm]))
    return out
