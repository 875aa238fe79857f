"""Keyword stuffing: sentences that are runs of rubric terms, with nothing explained.

Naming the right terms is not knowing what they mean. The rubric judge gives such sentences no
credit; LLM judges never see them (llm_prompt cuts them out, as it does injected sentences); and
every judge flags them, so the report can show the attempt.
"""

from __future__ import annotations

from interviewer.bank.models import Rubric
from interviewer.judge.evidence import contains_phrase, normalise
from interviewer.judge.sentences import Sentence

#: The flag a grade carries when the answer holds a stuffed sentence.
STUFFING_FLAG = "keyword-stuffing"
#: Distinct rubric terms in one names-only sentence that make it a stuffed list, not a summary.
MIN_TERMS = 4
MIN_POINTS = 3


def stuffed_spans(sentences: list[Sentence], rubric: Rubric) -> list[tuple[int, int]]:
    """Character spans of the runs of ``sentences`` (as split_sentences gives them) that only name
    things, holding MIN_TERMS or more rubric terms drawn from MIN_POINTS or more key points (a list
    of one point's metrics is a summary, not stuffing). Consecutive names-only sentences count as
    one run: a long list is cut into windows."""
    points = [[normalise(t) for t in kp.terms] for kp in rubric.key_points]
    runs: list[list[Sentence]] = []
    previous_named = False
    for sentence in sentences:
        if sentence.names_only:
            if previous_named:
                runs[-1].append(sentence)
            else:
                runs.append([sentence])
        previous_named = sentence.names_only
    found = []
    for run in runs:
        said = normalise(" ".join(s.text for s in run))
        hits = [{t for t in terms if contains_phrase(t, said)} for terms in points]
        if len(set().union(*hits)) >= MIN_TERMS and sum(1 for h in hits if h) >= MIN_POINTS:
            found.append((run[0].start, run[-1].end))
    return found


def stuffed_sentences(sentences: list[Sentence], rubric: Rubric) -> list[str]:
    """The text of each stuffed run (see :func:`stuffed_spans`); spans index the answer the
    sentences were split from, so the run is rebuilt from its sentences."""
    return [
        " ".join(s.text for s in sentences if start <= s.start and s.end <= end)
        for start, end in stuffed_spans(sentences, rubric)
    ]
