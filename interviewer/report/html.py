"""The HTML report: one self-contained file (inline CSS and SVG charts, no scripts, no fetches).

Every piece of text from the record is escaped: answers are the candidate's words and may hold
anything, ``<script>`` included.
"""

from __future__ import annotations

from html import escape

from interviewer.judge.grade import Coverage
from interviewer.report import charts, insights
from interviewer.report.highlight import pieces
from interviewer.report.record import QuestionReport, SessionReport, TurnReport

_STATUS_WORD = {Coverage.COVERED: "covered", Coverage.PARTIAL: "partial", Coverage.MISSED: "missed"}
_MARK = {Coverage.COVERED: "✔", Coverage.PARTIAL: "◐", Coverage.MISSED: "✘"}

CSS = """
:root { --ink:#1f2937; --muted:#6b7280; --rule:#d1d5db; --panel:#f3f4f6;
  --covered:#c8ecc9; --partial:#ffe49a; --wrong:#f8c9c9;
  --covered-ink:#2e7d32; --partial-ink:#a86b00; --wrong-ink:#c62828; --blue:#3b5b92; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC",
  sans-serif; color: var(--ink); line-height: 1.5; margin: 0; background: #fff; }
main { max-width: 880px; margin: 0 auto; padding: 32px 24px 64px; }
h1 { font-size: 30px; margin: 0 0 2px; } h2 { font-size: 21px; margin: 36px 0 10px; }
h3 { font-size: 16px; margin: 0; } .sub, .small { color: var(--muted); } .small { font-size: 13px; }
.banner { background: #fff4d6; padding: 8px 12px; border-radius: 6px; margin: 12px 0; }
.hero { display: grid; grid-template-columns: 170px 1fr; gap: 0; margin: 18px 0 10px; }
.score-box { background: var(--panel); text-align: center; padding: 18px 8px; }
.score-box .big { font-size: 48px; font-weight: 700; line-height: 1.1; }
.verdict { border-left: 4px solid var(--muted); padding: 8px 16px; }
.verdict h3 { font-size: 17px; }
.judge { background: #eef2ff; padding: 8px 12px; border-radius: 6px; font-size: 13px; color: #374151; }
.chart svg { width: 100%; height: auto; }
ol.actions li { margin-bottom: 8px; } .cmd { font-family: "DejaVu Sans Mono", monospace; color: var(--blue);
  font-size: 13px; white-space: nowrap; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th { background: var(--panel); text-align: left; border-bottom: 1.5px solid var(--muted); }
th, td { padding: 5px 8px; vertical-align: top; border-bottom: 1px solid var(--rule); }
.question { border-top: 1px solid var(--rule); padding-top: 18px; margin-top: 28px; break-inside: auto; }
.qhead { display: flex; justify-content: space-between; align-items: center; gap: 12px; }
.chip { color: #fff; font-weight: 700; padding: 4px 12px; border-radius: 4px; white-space: nowrap; }
.prompt { background: var(--panel); padding: 10px 14px; border-radius: 4px; margin: 10px 0; }
.label { font-size: 12px; font-weight: 700; color: var(--muted); letter-spacing: .04em; margin: 14px 0 4px; }
.label.follow { color: var(--partial-ink); }
.answer { white-space: pre-wrap; overflow-wrap: anywhere; padding-left: 10px; border-left: 3px solid var(--rule); }
mark { padding: 1px 0; color: inherit; } mark.covered { background: var(--covered); }
mark.partial { background: var(--partial); } mark.misconception { background: var(--wrong); }
sup.lbl { font-size: 10px; font-weight: 700; margin-left: 1px; }
sup.covered { color: var(--covered-ink); } sup.partial { color: var(--partial-ink); }
sup.misconception { color: var(--wrong-ink); }
ul.points { list-style: none; padding-left: 6px; } ul.points li { margin: 3px 0; }
.covered-ink { color: var(--covered-ink); } .partial-ink { color: var(--partial-ink); }
.missed-ink { color: var(--wrong-ink); }
.legend mark { margin-right: 6px; } td.lvl { white-space: nowrap; }
@media print { main { padding: 0; } .question { break-before: auto; } h2 { break-after: avoid; } }
"""


def render_html(report: SessionReport) -> str:
    """The report as a complete HTML document."""
    session = report.session
    title = f"Interview report · {session.track} · {session.level} · {session.id}"
    body = [
        _summary(report),
        '<h2 id="questions">Questions and answers</h2>',
        *(_question(q, len(report.questions)) for q in report.questions),
        _delivery(report),
        _progress(report),
        f'<p class="small">Generated {report.generated_at:%Y-%m-%d %H:%M} UTC by {escape(report.generator)} · '
        f"report schema v{report.schema_version}</p>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(part for part in body if part)
        + "\n</main>\n</body>\n</html>\n"
    )


def _colour(score: int | None) -> str:
    return "#6b7280" if score is None else charts.score_colour(score)


def _svg(data: bytes | None) -> str:
    if data is None:
        return ""
    svg = data.decode("utf-8")
    # Drop the XML prolog and DOCTYPE: inside HTML the <svg> element stands on its own.
    return f'<div class="chart">{svg[svg.index("<svg") :]}</div>'


def _summary(report: SessionReport) -> str:
    s, summary = report.session, report.summary
    who = f" · {escape(s.candidate)}" if s.candidate else ""
    parts = [
        "<h1>Mock interview report</h1>",
        f'<p class="sub">{escape(s.track)} track · {escape(s.level)} level · {escape(s.mode)} · '
        f"{s.created_at:%d %B %Y}{who} · session {escape(s.id)}</p>",
    ]
    if s.status == "in-progress":
        parts.append(
            f'<p class="banner"><b>In progress.</b> {s.questions_graded} of {s.questions_planned} questions graded '
            f'so far; continue with <span class="cmd">interviewer resume {escape(s.id)}</span>.</p>'
        )
    r = summary.readiness
    colour = {"ready": "#2e7d32", "borderline": "#d69e00", "not-yet": "#c62828"}.get(r.verdict, "#6b7280")
    overall = "–" if summary.overall is None else str(summary.overall)
    parts.append(
        f'<div class="hero"><div class="score-box"><div class="big">{overall}</div>'
        f'<div class="small">overall score / 100</div></div>'
        f'<div class="verdict" style="border-color:{colour}"><h3 style="color:{colour}">{escape(r.headline)}</h3>'
        f'<p>{escape(r.reason)}</p><p class="small">{escape(r.rule)}</p></div></div>'
        f'<p class="judge">{escape(report.judge.statement)}</p>'
    )
    if summary.topic_scores:
        parts += ["<h2>Scores by topic</h2>", _svg(charts.topic_chart(summary.topic_scores, "svg"))]
    parts.append("<h2>Next actions</h2>")
    if summary.next_actions:
        items = "".join(
            f"<li><b>{escape(a.title)}.</b> {escape(a.detail)} "
            f'<span class="cmd">→ interviewer bank show {escape(a.question_id)}</span></li>'
            for a in summary.next_actions
        )
        parts.append(f'<ol class="actions">{items}</ol>')
    else:
        parts.append(f"<p>{insights.no_actions_note(s.questions_graded)}</p>")
    rows = "".join(
        f'<tr><td>{q.number}</td><td><a href="#q{q.number}">{escape(q.prompt)}</a></td><td>{escape(q.topic)}</td>'
        f'<td>{escape(q.level)}</td><td style="color:{_colour(q.score)}"><b>{"–" if q.score is None else q.score}'
        "</b></td></tr>"
        for q in report.questions
    )
    parts.append(
        "<h2>Questions at a glance</h2><table><tr><th>#</th><th>Question</th><th>Topic</th><th>Level</th>"
        f"<th>Score</th></tr>{rows}</table>"
        '<p class="small legend">How to read the answers: <mark class="covered">covered key point</mark>'
        '<mark class="partial">partly covered</mark><mark class="misconception">misconception</mark>'
        '<span class="missed-ink">✘ missed points are listed under each answer</span>. '
        "Labels like K2 tie a highlight to its key point.</p>"
    )
    return "\n".join(parts)


def _question(q: QuestionReport, total: int) -> str:
    chip = "not graded" if q.score is None else f"{q.score} / 100"
    meta = " · ".join(escape(x) for x in (q.topic, q.level, q.kind, q.competency) if x)
    parts = [
        f'<section class="question" id="q{q.number}"><div class="qhead"><div><h3>Question {q.number} of {total}</h3>'
        f'<div class="small">{meta}</div></div><span class="chip" style="background:{_colour(q.score)}">{chip}</span>'
        f'</div><div class="prompt">{escape(q.prompt)}</div>'
    ]
    if q.context:
        parts.append(f'<p class="small"><i>{escape(q.context)}</i></p>')
    titles = {kp.label: f"{kp.label} {_STATUS_WORD[kp.status]}: {kp.statement}" for kp in q.key_points}
    titles |= {m.label: f"{m.label} misconception: {m.claim}" for m in q.misconceptions}
    labels = {kp.key_point_id: kp.label for kp in q.key_points}
    follow_up = 0
    for turn in q.turns:
        if turn.kind == "follow-up":
            follow_up += 1
            probing = insights.probing_note(turn, labels, escape)
            parts.append(
                f'<div class="label follow">FOLLOW-UP {follow_up}{probing}</div><p><i>{escape(turn.prompt)}</i></p>'
            )
        parts += ['<div class="label">YOUR ANSWER</div>', _answer(turn, titles)]
    parts.append(_grade(q) if q.graded else '<p class="small">Not graded yet.</p>')
    parts.append("</section>")
    return "\n".join(parts)


def _answer(turn: TurnReport, titles: dict[str, str]) -> str:
    if turn.answer is None:
        return '<p class="small">(not answered yet)</p>'
    out: list[str] = []
    for piece in pieces(turn.answer, turn.highlights):
        chunk = escape(piece.text)
        if piece.status is not None:
            chunk = f'<mark class="{piece.status}">{chunk}</mark>'
        for label in piece.ends:
            tip = escape(titles.get(label, label))
            chunk += f'<sup class="lbl {piece.status or ""}" title="{tip}">{escape(label)}</sup>'
        out.append(chunk)
    html = f'<div class="answer">{"".join(out)}</div>'
    if turn.transcript_raw and turn.transcript_raw != turn.answer:
        html += f'<p class="small">Heard by speech recognition: {escape(turn.transcript_raw)}</p>'
    return html


def _grade(q: QuestionReport) -> str:
    parts: list[str] = []
    if q.key_points:
        items = "".join(
            f'<li><span class="{_STATUS_WORD[kp.status]}-ink">{_MARK[kp.status]} <b>{kp.label}</b> '
            f"{_STATUS_WORD[kp.status]}</span> — {escape(kp.statement)}</li>"
            for kp in q.key_points
        )
        parts.append(f'<div class="label">KEY POINTS</div><ul class="points">{items}</ul>')
    if q.misconceptions:
        items = "".join(
            f'<li><span class="missed-ink">✘ <b>{m.label}</b> you said</span> “{escape(m.evidence)}”<br>'
            f"<b>Correct fact:</b> {escape(m.correction)}</li>"
            for m in q.misconceptions
        )
        parts.append(f'<div class="label">MISCONCEPTIONS</div><ul class="points">{items}</ul>')
    if q.criteria:
        rows = "".join(
            f'<tr><td>{escape(c.name)}</td><td class="lvl">{"●" * c.level}{"○" * (4 - c.level)} {c.level}/4</td>'
            f'<td>{escape(c.justification)}<br><span class="small">{escape(c.anchor)}</span></td></tr>'
            for c in q.criteria
        )
        parts.append(
            '<div class="label">CRITERIA</div><table><tr><th>Criterion</th><th>Level</th><th>Why</th></tr>'
            f"{rows}</table>"
        )
    improvements = insights.fresh_improvements(q)
    if improvements:
        items = "".join(f"<li>{escape(i)}</li>" for i in improvements)
        parts.append(f'<div class="label">TO IMPROVE</div><ul>{items}</ul>')
    if q.model_answer:
        items = "".join(f"<li>{escape(line)}</li>" for line in q.model_answer)
        parts.append(f'<div class="label">MODEL ANSWER OUTLINE</div><ul>{items}</ul>')
    if q.judge is not None:
        who = q.judge.provider + (f" ({q.judge.model})" if q.judge.model else "")
        confidence = "" if q.confidence is None else f" · confidence {q.confidence:.0%}"
        fallback = f" · fallback from {q.judge.fallback_from}" if q.judge.fallback_from else ""
        parts.append(f'<p class="small">Graded by {escape(who)}{confidence}{escape(fallback)}</p>')
    parts += [f'<p class="small"><span class="missed-ink">⚠</span> {escape(n)}</p>' for n in q.notes]
    return "\n".join(parts)


def _delivery(report: SessionReport) -> str:
    d = report.delivery
    if d is None:
        return ""
    fillers = ", ".join(f"“{escape(w)}” ×{n}" for w, n in list(d.filler_counts.items())[:5])
    rows = "".join(
        f"<tr><td>Q{r.question_number}{'' if r.kind == 'main' else ' follow-up'}</td><td>{r.metrics.words}</td>"
        f"<td>{r.metrics.words_per_minute:.0f}</td><td>{r.metrics.fillers_per_100_words:.1f}</td>"
        f"<td>{r.metrics.long_pauses}</td><td>{r.metrics.time_to_first_word_s:.1f} s</td>"
        f"<td>{r.metrics.talk_time_s:.0f} s</td></tr>"
        for r in d.rows
    )
    return (
        '<h2 id="delivery">Delivery</h2>'
        f"<p>Measured from the recordings of {d.answers} spoken answer(s): {d.words} words in "
        f"{d.talk_time_s:.0f} s of speech.</p><table>"
        f"<tr><th>Words per minute</th><td>{d.words_per_minute:.0f}</td></tr>"
        f"<tr><th>Fillers per 100 words</th><td>{d.fillers_per_100_words:.1f} ({d.fillers} in all)"
        f"{' · ' + fillers if fillers else ''}</td></tr>"
        f"<tr><th>Long pauses</th><td>{d.long_pauses} (longest {d.longest_pause_s:.1f} s)</td></tr>"
        f"<tr><th>Time to first word</th><td>{d.mean_time_to_first_word_s:.1f} s on average</td></tr>"
        f"<tr><th>Talk time</th><td>{d.talk_time_s:.0f} s</td></tr></table>"
        + _svg(charts.delivery_chart(d, "svg"))
        + "<table><tr><th>Answer</th><th>Words</th><th>WPM</th><th>Fillers/100</th><th>Long pauses</th>"
        f"<th>First word</th><th>Talk time</th></tr>{rows}</table>"
    )


def _progress(report: SessionReport) -> str:
    p = report.progress
    earlier = [s for s in p.sessions if not s.is_this_session]
    parts = ['<h2 id="progress">Progress on this track</h2>']
    if earlier:
        parts.append(f"<p>This session against your {len(earlier)} earlier session(s) on this track.</p>")
        parts.append(_svg(charts.progress_chart(p.sessions, "svg")))
    else:
        parts.append("<p>This is your first session on this track: progress shows from the next one.</p>")
    parts.append("<h3>Study list</h3>")
    if not p.study_list:
        parts.append("<p>No key point was missed in these sessions.</p>")
        return "\n".join(parts)
    rows = "".join(
        f"<tr><td>{escape(i.statement)}</td><td>{escape(i.topic)}</td><td>{i.missed} of {i.asked}"
        f"{f' (+{i.partial} partly)' if i.partial else ''}</td>"
        f'<td><span class="cmd">interviewer bank show {escape(i.question_id)}</span></td></tr>'
        for i in p.study_list
    )
    parts.append(
        '<p class="small">The key points missed most often in these sessions, with where to practise them.</p>'
        f"<table><tr><th>Key point</th><th>Topic</th><th>Missed</th><th>Practise</th></tr>{rows}</table>"
    )
    return "\n".join(parts)
