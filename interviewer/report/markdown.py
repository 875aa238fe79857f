"""The Markdown report: readable as plain text, and tidy when a Markdown viewer renders it.

Markdown has no colours, so evidence is marked by emphasis: **covered**, *partial* and
~~misconception~~, each followed by its label (K2, M1). Charts become tables with text bars.
Candidate text is escaped so that it cannot turn into markup.
"""

from __future__ import annotations

import re

from interviewer.judge.grade import Coverage
from interviewer.report import insights
from interviewer.report.highlight import pieces
from interviewer.report.record import QuestionReport, SessionReport, TurnReport

_MARK = {Coverage.COVERED: "✔ covered", Coverage.PARTIAL: "◐ partial", Coverage.MISSED: "✘ missed"}
_EMPHASIS = {"covered": "**", "partial": "*", "misconception": "~~"}
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~#])")
_LINE_START = re.compile(r"^(\s*)([-+]|\d+[.)])(\s)", re.MULTILINE)


def md_escape(text: str) -> str:
    """Escape what Markdown (CommonMark + GFM) would read as markup, keep the rest readable."""
    escaped = _SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}{m.group(3)}", escaped)


def _cell(text: str) -> str:
    """Text for a table cell: escaped, on one line."""
    return md_escape(" ".join(text.split()))


def _bar(score: int, width: int = 20) -> str:
    filled = round(score / 100 * width)
    return "█" * filled + "░" * (width - filled)


def render_markdown(report: SessionReport) -> str:
    """The report as a Markdown document."""
    lines: list[str] = []
    lines += _summary(report)
    lines += ["", "## Questions and answers", ""]
    for q in report.questions:
        lines += _question(q, len(report.questions))
    lines += _delivery(report)
    lines += _progress(report)
    lines += [
        "",
        f"*Generated {report.generated_at:%Y-%m-%d %H:%M} UTC by {report.generator} · "
        f"report schema v{report.schema_version}*",
        "",
    ]
    return "\n".join(lines)


def _summary(report: SessionReport) -> list[str]:
    s, summary = report.session, report.summary
    who = f" · {md_escape(s.candidate)}" if s.candidate else ""
    out = [
        "# Mock interview report",
        "",
        f"{md_escape(s.track)} track · {md_escape(s.level)} level · {s.mode} · {s.created_at:%d %B %Y}{who} · "
        f"session `{s.id}`",
        "",
    ]
    if s.status == "in-progress":
        out += [
            f"> **In progress.** {s.questions_graded} of {s.questions_planned} questions graded so far; continue "
            f"with `interviewer resume {s.id}`.",
            "",
        ]
    r = summary.readiness
    overall = "–" if summary.overall is None else f"{summary.overall}/100"
    out += [
        f"**Overall score: {overall}** · **{md_escape(r.headline)}**",
        "",
        md_escape(r.reason),
        "",
        f"*{md_escape(r.rule)}*",
        "",
        f"> {md_escape(report.judge.statement)}",
        "",
    ]
    if summary.topic_scores:
        out += ["## Scores by topic", "", "| Topic | Score | |", "| --- | ---: | --- |"]
        out += [f"| {_cell(t.topic)} | {t.score} | `{_bar(t.score)}` |" for t in summary.topic_scores]
        out.append("")
    out += ["## Next actions", ""]
    if not summary.next_actions:
        out.append(insights.no_actions_note(s.questions_graded))
    for i, a in enumerate(summary.next_actions, start=1):
        out.append(f"{i}. **{md_escape(a.title)}.** {md_escape(a.detail)} → `interviewer bank show {a.question_id}`")
    out += [
        "",
        "## Questions at a glance",
        "",
        "| # | Question | Topic | Level | Score |",
        "| ---: | --- | --- | --- | ---: |",
    ]
    for q in report.questions:
        score = "–" if q.score is None else str(q.score)
        out.append(f"| {q.number} | {_cell(q.prompt)} | {_cell(q.topic)} | {_cell(q.level)} | {score} |")
    out += [
        "",
        "How to read the answers: **covered key point**, *partly covered*, ~~misconception~~; the label after "
        "each (K2, M1) names the key point or misconception. Missed key points are listed under each answer.",
    ]
    return out


def _question(q: QuestionReport, total: int) -> list[str]:
    score = "not graded" if q.score is None else f"{q.score}/100"
    meta = " · ".join(md_escape(x) for x in (q.topic, q.level, q.kind, q.competency) if x)
    out = [f"### Question {q.number} of {total} — {score}", "", f"*{meta}*", "", f"**{md_escape(q.prompt)}**", ""]
    if q.context:
        out += [f"*{md_escape(q.context)}*", ""]
    labels = {kp.key_point_id: kp.label for kp in q.key_points}
    follow_up = 0
    for turn in q.turns:
        if turn.kind == "follow-up":
            follow_up += 1
            probing = insights.probing_note(turn, labels, md_escape)
            out += [f"**Follow-up {follow_up}**{probing}", "", f"*{md_escape(turn.prompt)}*", ""]
        out += ["Your answer:", "", *_answer(turn), ""]
    if not q.graded:
        return [*out, "*Not graded yet.*", ""]
    if q.key_points:
        out += ["Key points:", ""]
        out += [f"- {_MARK[kp.status]} **{kp.label}** — {md_escape(kp.statement)}" for kp in q.key_points]
        out.append("")
    if q.misconceptions:
        out += ["Misconceptions:", ""]
        out += [
            f"- ✘ **{m.label}** you said “{md_escape(m.evidence)}” — correct fact: {md_escape(m.correction)}"
            for m in q.misconceptions
        ]
        out.append("")
    if q.criteria:
        out += ["| Criterion | Level | Why |", "| --- | --- | --- |"]
        out += [
            f"| {_cell(c.name)} | {'●' * c.level}{'○' * (4 - c.level)} {c.level}/4 | {_cell(c.justification)} |"
            for c in q.criteria
        ]
        out.append("")
    improvements = insights.fresh_improvements(q)
    if improvements:
        out += ["To improve:", "", *(f"- {md_escape(i)}" for i in improvements), ""]
    if q.model_answer:
        out += ["Model answer outline:", "", *(f"- {md_escape(line)}" for line in q.model_answer), ""]
    if q.judge is not None:
        who = q.judge.provider + (f" ({q.judge.model})" if q.judge.model else "")
        confidence = "" if q.confidence is None else f" · confidence {q.confidence:.0%}"
        out += [f"*Graded by {md_escape(who)}{confidence}*", ""]
    for note in q.notes:
        out += [f"⚠ {md_escape(note)}", ""]
    return out


def _answer(turn: TurnReport) -> list[str]:
    if turn.answer is None:
        return ["> *(not answered yet)*"]
    text = ""
    for piece in pieces(turn.answer, turn.highlights):
        if piece.status is None:
            text += md_escape(piece.text)
        else:
            mark = _EMPHASIS[piece.status]
            # Emphasis cannot open or close on a space or cross a line: wrap each line's words.
            parts = []
            for line in piece.text.split("\n"):
                core = line.strip()
                lead, trail = line[: len(line) - len(line.lstrip())], line[len(line.rstrip()) :]
                parts.append(f"{lead}{mark}{md_escape(core)}{mark}{trail}" if core else line)
            text += "\n".join(parts)
        if piece.ends:
            text += f"<sup>{','.join(piece.ends)}</sup>"
    quoted = [f"> {line}" if line.strip() else ">" for line in text.split("\n")]
    if turn.transcript_raw and turn.transcript_raw != turn.answer:
        quoted += ["", f"*Heard by speech recognition:* {md_escape(turn.transcript_raw)}"]
    return quoted


def _delivery(report: SessionReport) -> list[str]:
    d = report.delivery
    if d is None:
        return []
    out = [
        "",
        "## Delivery",
        "",
        f"Measured from the recordings of {d.answers} spoken answer(s): {d.words} words in {d.talk_time_s:.0f} s "
        "of speech.",
        "",
        "| Measure | Value |",
        "| --- | --- |",
        f"| Words per minute | {d.words_per_minute:.0f} |",
        f"| Fillers per 100 words | {d.fillers_per_100_words:.1f} ({d.fillers} in all) |",
        f"| Long pauses | {d.long_pauses} (longest {d.longest_pause_s:.1f} s) |",
        f"| Time to first word | {d.mean_time_to_first_word_s:.1f} s on average |",
        f"| Talk time | {d.talk_time_s:.0f} s |",
        "",
        "| Answer | Words | WPM | Fillers/100 | Long pauses | First word | Talk time |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in d.rows:
        m = r.metrics
        answer = f"Q{r.question_number}" + ("" if r.kind == "main" else " follow-up")
        out.append(
            f"| {answer} | {m.words} | {m.words_per_minute:.0f} | {m.fillers_per_100_words:.1f} | {m.long_pauses} | "
            f"{m.time_to_first_word_s:.1f} s | {m.talk_time_s:.0f} s |"
        )
    return out


def _progress(report: SessionReport) -> list[str]:
    p = report.progress
    earlier = [s for s in p.sessions if not s.is_this_session]
    out = ["", "## Progress on this track", ""]
    if earlier:
        out += ["| Session | Date | Level | Overall | |", "| --- | --- | --- | ---: | --- |"]
        for s in p.sessions:
            name = f"**{s.session_id}** (this one)" if s.is_this_session else s.session_id
            out.append(f"| {name} | {s.created_at:%Y-%m-%d} | {s.level} | {s.overall} | `{_bar(s.overall)}` |")
    else:
        out.append("This is your first session on this track: progress shows from the next one.")
    out += ["", "### Study list", ""]
    if not p.study_list:
        return [*out, "No key point was missed in these sessions."]
    out += ["| Key point | Topic | Missed | Practise |", "| --- | --- | --- | --- |"]
    for i in p.study_list:
        partial = f" (+{i.partial} partly)" if i.partial else ""
        out.append(
            f"| {_cell(i.statement)} | {_cell(i.topic)} | {i.missed} of {i.asked}{partial} | "
            f"`interviewer bank show {i.question_id}` |"
        )
    return out
