"""Keyword stuffing: sentences that are runs of rubric terms, with nothing explained.

Naming the right terms is not knowing what they mean. The rubric judge gives such sentences no
credit already; this module lets every judge *say* so, so the report can show the attempt.
"""

from __future__ import annotations

from interviewer.bank.models import Rubric
from interviewer.judge.evidence import contains_phrase, normalise
from interviewer.judge.sentences import split_sentences

#: The flag a grade carries when the answer holds a stuffed sentence.
STUFFING_FLAG = "keyword-stuffing"
#: Distinct rubric terms in one names-only sentence that make it a stuffed list, not a summary.
MIN_TERMS = 4
MIN_POINTS = 3


def stuffed_sentences(text: str, rubric: Rubric) -> list[str]:
    """Runs of sentences that only name things, holding MIN_TERMS or more rubric terms drawn from
    MIN_POINTS or more key points (a list of one point's metrics is a summary, not stuffing).
    Consecutive names-only sentences count as one run: a long list is cut into windows."""
    points = [[normalise(t) for t in kp.terms] for kp in rubric.key_points]
    runs: list[list[str]] = []
    previous_named = False
    for sentence in split_sentences(text):
        if sentence.names_only:
            if previous_named:
                runs[-1].append(sentence.text)
            else:
                runs.append([sentence.text])
        previous_named = sentence.names_only
    found = []
    for run in runs:
        said = normalise(" ".join(run))
        hits = [{t for t in terms if contains_phrase(t, said)} for terms in points]
        if len(set().union(*hits)) >= MIN_TERMS and sum(1 for h in hits if h) >= MIN_POINTS:
            found.append(" ".join(run))
    return found
