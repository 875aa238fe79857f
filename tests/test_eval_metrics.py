"""The agreement statistics, checked against scipy and scikit-learn (both installed with
sentence-transformers) on generated data, plus the cases where a statistic is undefined."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from sklearn.metrics import cohen_kappa_score

from interviewer.evaluation.metrics import (
    mean_absolute_error,
    pairwise_order,
    pearson,
    quadratic_weighted_kappa,
    ranks,
    round_half_up,
    spearman,
)

scores = st.lists(st.integers(0, 5), min_size=3, max_size=40)
paired = scores.flatmap(lambda h: st.tuples(st.just(h), st.lists(st.integers(0, 5), min_size=len(h), max_size=len(h))))


@settings(max_examples=200, deadline=None)
@given(paired)
def test_correlations_match_scipy(pair: tuple[list[int], list[int]]) -> None:
    human, judge = pair
    if len(set(human)) < 2 or len(set(judge)) < 2:
        assert pearson(judge, human) is None and spearman(judge, human) is None
        return
    assert pearson(judge, human) == pytest.approx(stats.pearsonr(judge, human).statistic, abs=1e-9)
    assert spearman(judge, human) == pytest.approx(stats.spearmanr(judge, human).statistic, abs=1e-9)


@pytest.mark.filterwarnings("ignore:.*cohen_kappa_score. is undefined")  # the cases where ours must be None
@settings(max_examples=200, deadline=None)
@given(paired)
def test_quadratic_weighted_kappa_matches_scikit_learn(pair: tuple[list[int], list[int]]) -> None:
    human, judge = pair
    ours = quadratic_weighted_kappa(judge, human, 0, 5)
    expected = cohen_kappa_score(judge, human, weights="quadratic", labels=list(range(6)))
    if math.isnan(expected):
        assert ours is None
    else:
        assert ours == pytest.approx(expected, abs=1e-9)


def test_kappa_is_one_for_perfect_agreement_and_negative_for_reversed() -> None:
    human = [0, 1, 2, 3, 4, 5]
    assert quadratic_weighted_kappa(human, human, 0, 5) == pytest.approx(1.0)
    reversed_kappa = quadratic_weighted_kappa(human[::-1], human, 0, 5)
    assert reversed_kappa is not None and reversed_kappa < 0


def test_ranks_share_ties() -> None:
    assert list(ranks([10, 20, 20, 5])) == [2.0, 3.5, 3.5, 1.0]


def test_pairwise_order_counts_only_pairs_humans_told_apart() -> None:
    # Humans: a > b, a > c, b == c (not counted). The judge orders a > b, ties a with c.
    share, pairs = pairwise_order([3.0, 1.0, 3.0], [5, 2, 2])  # type: ignore[misc]
    assert pairs == 2
    assert share == pytest.approx((1.0 + 0.5) / 2)
    assert pairwise_order([1.0, 2.0], [3, 3]) is None


def test_undefined_statistics_are_none_not_zero() -> None:
    assert pearson([1, 1, 1], [0, 1, 2]) is None
    assert spearman([1.0], [2.0]) is None
    assert mean_absolute_error([], []) is None
    assert quadratic_weighted_kappa([], [], 0, 5) is None


def test_rounding_is_half_up_like_a_person() -> None:
    assert [round_half_up(v) for v in (2.5, 3.5, 2.49, 0.0)] == [3, 4, 2, 0]
    assert mean_absolute_error(np.array([1.0, 3.0]), [2, 2]) == pytest.approx(1.0)  # type: ignore[arg-type]
