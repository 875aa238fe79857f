"""Where a grade's evidence sits in the answers, and how to cut an answer into highlighted pieces.

A grade's quotes are spans of the question's answer text: the main answer and its follow-up
answers joined by a blank line (``GradingRequest.answer_text``). Reports show each answer on its
own, so every quote is located in the joined text and then split back onto the turns it covers.
"""

from __future__ import annotations

from dataclasses import dataclass

from interviewer.judge.evidence import find_quote
from interviewer.judge.grade import Coverage, Grade
from interviewer.report.record import Highlight, HighlightStatus

#: The separator GradingRequest.answer_text puts between a question's answers.
ANSWER_JOINER = "\n\n"
#: When spans overlap, the piece shows the strongest: a wrong claim outranks credit.
_PRIORITY: dict[str, int] = {"misconception": 3, "covered": 2, "partial": 1}


def locate_evidence(
    answers: list[str],
    grade: Grade,
    key_point_labels: dict[str, str],
    misconception_labels: dict[str, str],
) -> list[list[Highlight]]:
    """Highlights for each answer in ``answers`` (the answers the grade was given, in order)."""
    joined = ANSWER_JOINER.join(answers)
    starts: list[int] = []
    offset = 0
    for answer in answers:
        starts.append(offset)
        offset += len(answer) + len(ANSWER_JOINER)

    quotes: list[tuple[str, HighlightStatus, str, str]] = []
    for kp in grade.key_points:
        if kp.status is Coverage.MISSED:
            continue
        status: HighlightStatus = "covered" if kp.status is Coverage.COVERED else "partial"
        label = key_point_labels.get(kp.key_point_id, kp.key_point_id)
        quotes += [(quote, status, kp.key_point_id, label) for quote in kp.evidence]
    for m in grade.misconceptions:
        label = misconception_labels.get(m.misconception_id, m.misconception_id)
        quotes.append((m.evidence, "misconception", m.misconception_id, label))

    per_turn: list[list[Highlight]] = [[] for _ in answers]
    for quote, status, item_id, label in quotes:
        span = _find_span(quote, joined)
        if span is None:
            continue
        start, end = span
        for turn, (turn_start, answer) in enumerate(zip(starts, answers, strict=True)):
            # A quote may run across two answers (a judge can cite adjacent sentences): each
            # answer gets the part of the span that falls inside it.
            lo, hi = max(start, turn_start), min(end, turn_start + len(answer))
            if lo < hi:
                highlight = Highlight(
                    start=lo - turn_start, end=hi - turn_start, status=status, item_id=item_id, label=label
                )
                if highlight not in per_turn[turn]:
                    per_turn[turn].append(highlight)
    for spans in per_turn:
        spans.sort(key=lambda h: (h.start, h.end))
    return per_turn


def _find_span(quote: str, text: str) -> tuple[int, int] | None:
    # Stored quotes are already the answer's own characters, so an exact search nearly always
    # hits; find_quote covers grades stored before that was guaranteed.
    if not quote.strip():
        return None
    at = text.find(quote)
    if at < 0:
        found = find_quote(quote, text)
        if found is None:
            return None
        quote, at = found, text.find(found)
    return at, at + len(quote)


@dataclass(frozen=True)
class Piece:
    """A run of an answer with one display status (None: not evidence)."""

    text: str
    status: HighlightStatus | None
    #: Labels of the highlights that end with this piece: renderers put a marker after it.
    ends: tuple[str, ...] = ()


def pieces(text: str, highlights: list[Highlight]) -> list[Piece]:
    """Cut ``text`` at every highlight boundary; each piece takes its strongest covering status."""
    valid = [h for h in highlights if 0 <= h.start < h.end <= len(text)]
    cuts = sorted({0, len(text), *(h.start for h in valid), *(h.end for h in valid)})
    out: list[Piece] = []
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        covering = [h for h in valid if h.start <= lo and hi <= h.end]
        status = max((h.status for h in covering), key=_PRIORITY.__getitem__, default=None)
        ends = tuple(dict.fromkeys(h.label for h in valid if h.end == hi))
        out.append(Piece(text[lo:hi], status, ends))
    return out
