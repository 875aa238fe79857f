"""Agreement between a judge's scores and human scores, computed with numpy alone.

Every function takes parallel sequences (judge, human) on the human scale. A statistic that is
undefined for the input (a constant series has no correlation) is ``None``, never a made-up 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import combinations
from typing import TypeAlias

import numpy as np

Scores: TypeAlias = Sequence[float] | np.ndarray


def pearson(x: Scores, y: Scores) -> float | None:
    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(a) < 2 or a.std() == 0 or b.std() == 0:
        return None
    return float(np.corrcoef(a, b)[0, 1])


def ranks(values: Scores) -> np.ndarray:
    """1-based ranks, ties sharing their average rank."""
    a = np.asarray(values, dtype=float)
    order = a.argsort(kind="stable")
    out = np.empty(len(a))
    i = 0
    while i < len(a):
        j = i
        while j + 1 < len(a) and a[order[j + 1]] == a[order[i]]:
            j += 1
        out[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return out


def spearman(x: Scores, y: Scores) -> float | None:
    return pearson(ranks(x), ranks(y)) if len(x) >= 2 else None


def quadratic_weighted_kappa(judge: Sequence[int], human: Sequence[int], low: int, high: int) -> float | None:
    """Cohen's kappa with quadratic weights over the integer scores ``low..high``."""
    n = high - low + 1
    if len(judge) == 0 or n < 2:
        return None
    observed = np.zeros((n, n))
    for j, h in zip(judge, human, strict=True):
        observed[min(max(j, low), high) - low, min(max(h, low), high) - low] += 1
    weights = np.array([[(i - k) ** 2 for k in range(n)] for i in range(n)]) / (n - 1) ** 2
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / observed.sum()
    denominator = (weights * expected).sum()
    return None if denominator == 0 else float(1 - (weights * observed).sum() / denominator)


def pairwise_order(judge: Sequence[float], human: Sequence[float]) -> tuple[float, int] | None:
    """Of the pairs humans scored differently, the share the judge puts in the same order (a judge tie
    counts half), and how many pairs there were. This is "does it order answers by quality"."""
    agree, pairs = 0.0, 0
    for i, k in combinations(range(len(human)), 2):
        if human[i] == human[k]:
            continue
        pairs += 1
        d = (judge[i] - judge[k]) * (human[i] - human[k])
        agree += 1.0 if d > 0 else 0.5 if d == 0 else 0.0
    return (agree / pairs, pairs) if pairs else None


def mean_absolute_error(x: Scores, y: Scores) -> float | None:
    return float(np.mean(np.abs(np.asarray(x, float) - np.asarray(y, float)))) if len(x) else None


def share(flags: Sequence[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def round_half_up(value: float) -> int:
    """Round a scaled judge score to the human scale's integers (2.5 -> 3, as people round)."""
    return math.floor(value + 0.5)
