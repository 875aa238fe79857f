"""An evaluation summary as terminal tables and as Markdown for the docs."""

from __future__ import annotations

from rich.table import Table

from interviewer.evaluation.summary import EvalSummary


def fmt(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def headline(s: EvalSummary) -> list[tuple[str, str]]:
    """The agreement figures as (name, value) rows, in the order every output shows them."""
    c = s.consistency
    return [
        (
            "answers graded",
            f"{s.graded}/{s.answers}" + (f" ({s.failed_samples} failed samples)" * bool(s.failed_samples)),
        ),
        ("Pearson r", fmt(s.pearson)),
        ("Spearman rho", fmt(s.spearman)),
        ("quadratic weighted kappa", fmt(s.qwk)),
        ("MAE (human scale)", fmt(s.mae)),
        ("exact agreement", pct(s.exact)),
        ("within one point", pct(s.within_one)),
        (f"same-question pairs ordered as humans did ({s.pairs} pairs)", pct(s.pairwise)),
        ("mean per-question Spearman", fmt(s.mean_question_spearman)),
        (
            f"self-consistency over {c.samples} sample(s): mean / max spread, share spread >= 1",
            f"{fmt(c.mean_spread)} / {fmt(c.max_spread)} / {pct(c.inconsistent)}" if c.samples > 1 else "one sample",
        ),
    ]


def tables(s: EvalSummary) -> list[Table]:
    top = Table("figure", "value", title=f"{s.judge} on {s.data}")
    for name, value in headline(s):
        top.add_row(name, value)
    kinds = Table("answer kind", "answers", "mean human", "mean judge", title="By kind of answer")
    for k in s.per_kind:
        kinds.add_row(k.kind, str(k.answers), fmt(k.mean_human), fmt(k.mean_judge))
    questions = Table("question", "answers", "Spearman", "pairs ordered", "MAE", title="Per question")
    for q in s.per_question:
        questions.add_row(q.question, str(q.answers), fmt(q.spearman), pct(q.pairwise), fmt(q.mae))
    return [top, kinds, questions]


def markdown(s: EvalSummary, per_question: bool = False) -> str:
    lines = [f"**{s.judge}** on `{s.data}`", "", "| figure | value |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in headline(s)]
    lines += ["", "| answer kind | answers | mean human | mean judge |", "|---|---:|---:|---:|"]
    lines += [f"| {k.kind} | {k.answers} | {fmt(k.mean_human)} | {fmt(k.mean_judge)} |" for k in s.per_kind]
    if per_question:
        lines += ["", "| question | answers | Spearman | pairs ordered | MAE |", "|---|---:|---:|---:|---:|"]
        lines += [
            f"| {q.question} | {q.answers} | {fmt(q.spearman)} | {pct(q.pairwise)} | {fmt(q.mae)} |"
            for q in s.per_question
        ]
    if s.flags:
        lines += ["", "Flags raised: " + ", ".join(f"{k} x{v}" for k, v in s.flags.items())]
    return "\n".join(lines) + "\n"
