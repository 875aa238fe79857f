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


def stuffed_sentences(text: str, rubric: Rubric) -> list[str]:
    """The sentences of ``text`` that only name things and hold MIN_TERMS or more rubric terms."""
    terms = list(dict.fromkeys(normalise(t) for kp in rubric.key_points for t in kp.terms))
    found = []
    for sentence in split_sentences(text):
        if sentence.names_only:
            said = normalise(sentence.text)
            if sum(1 for t in terms if contains_phrase(t, said)) >= MIN_TERMS:
                found.append(sentence.text)
    return found
