"""Quotes are looked up in the answer, tolerant of case, punctuation and small transcription slips."""

from __future__ import annotations

from interviewer.judge.evidence import contains_phrase, find_quote, normalise

ANSWER = (
    "So, first I'd check calibration with a reliability diagram. Then, um, I'd fit Platt scaling "
    "on a held-out set — isotonic regression can overfit when the calibration set is small."
)


def test_verbatim_quote_returns_the_answers_own_span():
    assert find_quote("fit Platt scaling on a held-out set", ANSWER) == "fit Platt scaling \non a held-out set".replace(
        " \n", " "
    )


def test_case_punctuation_and_spacing_do_not_matter():
    assert find_quote("FIRST I'D CHECK CALIBRATION   with a reliability-diagram", ANSWER) == (
        "first I'd check calibration with a reliability diagram"
    )


def test_small_transcription_slip_is_tolerated():
    # "isotonic regresion" (a slip) and a dropped filler still find the span.
    assert find_quote("isotonic regresion can overfit when the calibration set is small", ANSWER) == (
        "isotonic regression can overfit when the calibration set is small"
    )


def test_invented_or_paraphrased_quotes_are_rejected():
    assert find_quote("temperature scaling is the best method", ANSWER) is None
    assert find_quote("I would check whether the probabilities are calibrated", ANSWER) is None
    assert find_quote("", ANSWER) is None
    assert find_quote("Platt", "") is None


def test_short_quotes_must_be_exact():
    assert find_quote("Platt scaling", ANSWER) == "Platt scaling"
    assert find_quote("Plat scaling", ANSWER) is None


def test_non_latin_text_and_smart_quotes():
    answer = "Модель «калибрована», and it’s fine — 確率は正しい."
    assert find_quote("it's fine", answer) == "it’s fine"
    assert find_quote("модель калибрована", answer) == "Модель «калибрована"


def test_phrase_matching_is_whole_word():
    norm = normalise(ANSWER)
    assert contains_phrase("Platt scaling", norm)
    assert not contains_phrase("Platt scal", norm)
    assert not contains_phrase("", norm)
