"""The report's charts, drawn by matplotlib from the report record alone.

Figures are built with ``matplotlib.figure.Figure`` and its Agg canvas, never pyplot: no global
backend is switched and nothing needs a display. Output is deterministic (fixed SVG id salt, no
dates or software stamps in the files), so the same record gives the same bytes. SVG goes into
HTML, PNG into the PDF.
"""

from __future__ import annotations

import io
from typing import Any, Literal

from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from interviewer.report.insights import BORDERLINE_SCORE, READY_SCORE
from interviewer.report.record import DeliverySummary, ProgressPoint, TopicScore

ChartFormat = Literal["svg", "png"]

GREEN = "#2e7d32"
AMBER = "#d69e00"
RED = "#c62828"
BLUE = "#3b5b92"
GREY = "#6b7280"
PNG_DPI = 200

# Any: matplotlib types rc keys as a Literal of every known name.
_RC: Any = {
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#9ca3af",
    "axes.titlesize": 9.5,
    "axes.titleweight": "bold",
    "svg.hashsalt": "mock-interviewer-report",
    # Text stays text in the SVG: smaller files, selectable in the browser.
    "svg.fonttype": "none",
}


def score_colour(score: float) -> str:
    """The band colour used everywhere a score is shown."""
    if score >= READY_SCORE:
        return GREEN
    return AMBER if score >= BORDERLINE_SCORE else RED


def _save(fig: Figure, fmt: ChartFormat) -> bytes:
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    if fmt == "svg":
        fig.savefig(buffer, format="svg", facecolor="white", metadata={"Date": None, "Creator": None})
    else:
        fig.savefig(buffer, format="png", dpi=PNG_DPI, facecolor="white", metadata={"Software": None})
    return buffer.getvalue()


def topic_chart(scores: list[TopicScore], fmt: ChartFormat) -> bytes | None:
    """Horizontal bars, one per topic, 0-100, coloured by band, with the readiness line."""
    if not scores:
        return None
    with rc_context(_RC):
        fig = Figure(figsize=(6.4, 0.8 + 0.32 * len(scores)), layout="constrained")
        ax = fig.add_subplot()
        labels = [s.topic for s in scores][::-1]
        values = [s.score for s in scores][::-1]
        bars = ax.barh(labels, values, color=[score_colour(v) for v in values], height=0.6)
        for bar, value in zip(bars, values, strict=True):
            ax.text(value + 1.5, bar.get_y() + bar.get_height() / 2, str(value), va="center", fontsize=8)
        ax.axvline(READY_SCORE, color=GREY, linestyle="--", linewidth=0.8)
        ax.text(READY_SCORE, len(scores) - 0.35, f" ready ({READY_SCORE})", color=GREY, fontsize=7, va="bottom")
        ax.set_xlim(0, 105)
        ax.set_ylim(-0.6, len(scores) - 0.1)
        ax.set_xlabel("score (0-100)")
        ax.tick_params(axis="y", length=0)
        return _save(fig, fmt)


def progress_chart(points: list[ProgressPoint], fmt: ChartFormat) -> bytes | None:
    """Overall score per session on this track, oldest first; None with fewer than two sessions."""
    if len(points) < 2:
        return None
    with rc_context(_RC):
        fig = Figure(figsize=(6.4, 2.3), layout="constrained")
        ax = fig.add_subplot()
        xs = list(range(1, len(points) + 1))
        ys = [p.overall for p in points]
        ax.plot(xs, ys, color=BLUE, linewidth=1.4, zorder=2)
        ax.scatter(xs, ys, color=[score_colour(y) for y in ys], s=28, zorder=3)
        for x, point in zip(xs, points, strict=True):
            if point.is_this_session:
                ax.scatter([x], [point.overall], s=140, facecolors="none", edgecolors=BLUE, linewidths=1.4, zorder=4)
                ax.annotate(
                    "this session",
                    (x, point.overall),
                    textcoords="offset points",
                    xytext=(0, 9),
                    ha="center",
                    fontsize=7,
                    color=BLUE,
                )
        ax.axhline(READY_SCORE, color=GREY, linestyle="--", linewidth=0.8)
        ax.set_ylim(0, 108)
        ax.set_xticks(xs, [f"{p.created_at:%d %b}\n{p.level}" for p in points], fontsize=7)
        ax.set_xlim(0.5, len(points) + 0.5)
        ax.set_ylabel("overall")
        return _save(fig, fmt)


def delivery_chart(delivery: DeliverySummary | None, fmt: ChartFormat) -> bytes | None:
    """Words per minute and fillers per 100 words for each spoken answer: measured values only."""
    if delivery is None:
        return None
    with rc_context(_RC):
        fig = Figure(figsize=(6.4, 2.1), layout="constrained")
        wpm_ax, filler_ax = fig.subplots(1, 2)
        labels = []
        for row in delivery.rows:
            labels.append(f"Q{row.question_number}" + ("" if row.kind == "main" else "+"))
        xs = list(range(len(labels)))
        wpm = [r.metrics.words_per_minute for r in delivery.rows]
        fillers = [r.metrics.fillers_per_100_words for r in delivery.rows]
        wpm_ax.bar(xs, wpm, color=BLUE, width=0.65)
        wpm_ax.set_title("words per minute")
        filler_ax.bar(xs, fillers, color=AMBER, width=0.65)
        filler_ax.set_title("fillers per 100 words")
        for ax in (wpm_ax, filler_ax):
            ax.set_xticks(xs, labels, fontsize=7, rotation=0 if len(xs) <= 12 else 90)
        return _save(fig, fmt)
