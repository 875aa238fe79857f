"""Property-based tests over the paths candidate text takes: nothing crashes, nothing is lost."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interviewer.bank import Level, Track, load_bank
from interviewer.errors import AnswerError, BankError
from interviewer.judge.evidence import find_quote, normalise
from interviewer.service import MAX_ANSWER_CHARS, _clean_answer

# Mixed scripts, emoji, combining marks, control and zero-width characters.
any_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)),  # lone surrogates cannot be stored as UTF-8
    max_size=400,
)


@given(quote=any_text, answer=any_text)
def test_find_quote_never_raises_and_returns_a_span_of_the_answer(quote, answer):
    found = find_quote(quote, answer)
    assert found is None or found in answer


@given(answer=any_text)
def test_every_word_sequence_of_an_answer_is_found_in_it(answer):
    words = normalise(answer).split()
    if len(words) >= 2:
        quote = " ".join(words[: min(6, len(words))])
        assert find_quote(quote, answer) is not None


@given(text=any_text)
def test_answer_cleaning_accepts_or_refuses_clearly(text):
    try:
        cleaned = _clean_answer(text)
    except AnswerError as exc:
        assert str(exc)
        return
    assert cleaned and cleaned == cleaned.strip()
    assert len(cleaned) <= MAX_ANSWER_CHARS
    assert all(ch.isprintable() or ch in "\n\t" or ord(ch) > 0x9F for ch in cleaned)


@pytest.fixture(scope="module")
def service():
    from interviewer.judge.rubric_judge import RubricJudge
    from interviewer.service import InterviewService, open_checkpointer
    from interviewer.storage import SessionStore, sqlite_url

    tmp = Path(tempfile.mkdtemp())
    return InterviewService(
        load_bank(), RubricJudge(), SessionStore(sqlite_url(tmp / "i.db")), open_checkpointer(str(tmp / "c.db")), 1
    )


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answer=any_text.filter(lambda t: bool(t.strip())))
def test_any_accepted_answer_is_stored_exactly_and_graded(service, answer):
    step = service.start(Track.AGENTS, Level.MID, 1)
    try:
        cleaned = _clean_answer(answer)
    except AnswerError:
        with pytest.raises(AnswerError):
            service.answer(step.session_id, answer)
        assert service.store.turn(step.session_id, 0).answer_text is None
        return
    service.answer(step.session_id, answer)
    assert service.store.turn(step.session_id, 0).answer_text == cleaned
    grade = service.store.grade_for(step.session_id, 0)
    assert 0 <= grade.overall <= 100
    for kp in grade.key_points:
        assert all(q in cleaned for q in kp.evidence)


def test_huge_and_hostile_answers_are_refused_without_side_effects(service):
    step = service.start(Track.ML_INFRA, Level.MID, 1)
    for bad in ["x" * 200_000, "\u200b\u200d\ufeff", "\x00" * 50]:
        with pytest.raises(AnswerError):
            service.answer(step.session_id, bad)
    assert service.store.turn(step.session_id, 0).answer_text is None


@settings(max_examples=40, deadline=None)
@given(text=st.text(max_size=300))
def test_malformed_bank_files_give_bank_errors_not_crashes(text):
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "bank.yaml").write_text(text, encoding="utf-8")
        try:
            bank = load_bank(Path(tmp))
        except BankError:
            return
        for problem in bank.problems:
            assert str(problem)
