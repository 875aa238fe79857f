"""Paragraph styles, colours and small building blocks shared by the PDF's sections."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Table, TableStyle

from interviewer.report.charts import score_colour
from interviewer.report.pdf_fonts import BODY, BOLD, markup

INK = colors.HexColor("#1f2937")
MUTED = colors.HexColor("#6b7280")
RULE = colors.HexColor("#d1d5db")
PANEL = colors.HexColor("#f3f4f6")
#: Highlight backgrounds and the matching text colours of the status marks.
COVERED_BG = "#c8ecc9"
PARTIAL_BG = "#ffe49a"
MISCONCEPTION_BG = "#f8c9c9"
COVERED_INK = "#2e7d32"
PARTIAL_INK = "#a86b00"
MISSED_INK = "#c62828"
BLUE = "#3b5b92"

CONTENT_WIDTH = 174 * mm  # A4 width less 18 mm margins


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    label: ParagraphStyle
    label_loose: ParagraphStyle
    body: ParagraphStyle
    answer: ParagraphStyle
    prompt: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    big: ParagraphStyle
    chip: ParagraphStyle
    bullet: ParagraphStyle
    banner: ParagraphStyle
    judge_note: ParagraphStyle
    caption: ParagraphStyle
    graded_by: ParagraphStyle


def make_styles() -> Styles:
    base = ParagraphStyle("base", fontName=BODY, bulletFontName=BODY, fontSize=9.5, leading=13.5, textColor=INK)
    small = ParagraphStyle("small", parent=base, fontSize=8, leading=11, textColor=MUTED, spaceAfter=3)
    return Styles(
        title=ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=21, leading=26, spaceAfter=2),
        subtitle=ParagraphStyle("subtitle", parent=base, textColor=MUTED, fontSize=10, leading=14, spaceAfter=8),
        h1=ParagraphStyle(
            "h1", parent=base, fontName=BOLD, fontSize=15, leading=19, spaceBefore=6, spaceAfter=6, keepWithNext=1
        ),
        h2=ParagraphStyle(
            "h2", parent=base, fontName=BOLD, fontSize=11, leading=15, spaceBefore=8, spaceAfter=3, keepWithNext=1
        ),
        label=ParagraphStyle(
            "label",
            parent=base,
            fontName=BOLD,
            fontSize=8,
            leading=11,
            textColor=MUTED,
            spaceBefore=7,
            spaceAfter=2,
            keepWithNext=1,
        ),
        label_loose=ParagraphStyle(
            "label_loose",
            parent=base,
            fontName=BOLD,
            fontSize=8,
            leading=11,
            textColor=MUTED,
            spaceBefore=7,
            spaceAfter=2,
        ),
        body=ParagraphStyle("body", parent=base, spaceAfter=4),
        answer=ParagraphStyle("answer", parent=base, leftIndent=8, spaceAfter=4, leading=14.5),
        prompt=ParagraphStyle(
            "prompt",
            parent=base,
            backColor=PANEL,
            borderPadding=(6, 6, 6, 6),
            spaceBefore=4,
            spaceAfter=8,
            leftIndent=6,
            rightIndent=6,
            keepWithNext=1,
        ),
        small=small,
        cell=ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11.5),
        cell_bold=ParagraphStyle("cell_bold", parent=base, fontName=BOLD, fontSize=8.5, leading=11.5),
        big=ParagraphStyle("big", parent=base, fontName=BOLD, fontSize=30, leading=34, alignment=TA_CENTER),
        chip=ParagraphStyle(
            "chip", parent=base, fontName=BOLD, fontSize=11, leading=14, alignment=TA_CENTER, textColor=colors.white
        ),
        bullet=ParagraphStyle("bullet", parent=base, leftIndent=12, bulletIndent=2, spaceAfter=2),
        banner=ParagraphStyle(
            "banner", parent=base, backColor=colors.HexColor("#fff4d6"), borderPadding=5, spaceBefore=2, spaceAfter=8
        ),
        judge_note=ParagraphStyle(
            "judge_note",
            parent=small,
            backColor=colors.HexColor("#eef2ff"),
            borderPadding=5,
            spaceBefore=2,
            spaceAfter=8,
        ),
        caption=ParagraphStyle("caption", parent=small, alignment=TA_CENTER),
        graded_by=ParagraphStyle("graded_by", parent=small, spaceBefore=5),
    )


def table_style(commands: list[tuple[object, ...]]) -> TableStyle:
    """A TableStyle whose cells use the embedded font (ReportLab's default is unembedded Helvetica)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), BODY), *commands])


def clip(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def text(value: str) -> str:
    """Any text from the record, made safe for paragraph markup."""
    return markup(value)


def score_chip(score: int | None, style: ParagraphStyle, width: float = 26 * mm) -> Table:
    """A coloured box with the score, or a grey 'not graded' box."""
    label = "not graded" if score is None else f"{score} / 100"
    fill = MUTED if score is None else colors.HexColor(score_colour(score))
    chip = Table([[Paragraph(label, style)]], colWidths=[width])
    chip.setStyle(
        table_style(
            [
                ("BACKGROUND", (0, 0), (-1, -1), fill),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return chip


def grid(rows: list[list[object]], widths: list[float], header: bool = True) -> Table:
    """A light table; rows may split across pages and the header row repeats."""
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    commands: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        commands += [("BACKGROUND", (0, 0), (-1, 0), PANEL), ("LINEBELOW", (0, 0), (-1, 0), 0.8, MUTED)]
    table.setStyle(table_style(commands))
    return table
