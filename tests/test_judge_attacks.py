"""Adversarial answers against every judge that runs here: the rubric judge, the llama.cpp judge on
the bundled SmolLM2, and the openai judge against a real llama-cpp-python server.

Each attack (grader instructions, fake JSON, a fake rubric checklist, system and role-play lines,
hidden Unicode, an HTML comment, a delimiter escape, an appeal, the same in French, keyword
stuffing) is appended to real partial and good-but-incomplete answers from the graded set. The
judge's noise is measured on the same answers with harmless additions; no attack may lift a score
beyond it, every attack must be flagged in the grade, and a bare list of the rubric's terms must
score below the real excellent answer.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.evaluation.attacks import ATTACKS, AttackRun, pick_bases, run_attacks
from interviewer.evaluation.data import load_graded
from interviewer.judge.config import JudgeConfig
from interviewer.judge.factory import make_judge
from tests.conftest import REPO
from tests.test_openai_judge import server  # noqa: F401 - the module-scoped llama-cpp-python server

pytestmark = pytest.mark.slow

SHIPPED = REPO / "question_bank" / "eval"


def _attack(judge_config: JudgeConfig, questions: int, bank) -> AttackRun:
    bases, excellent = pick_bases(load_graded(SHIPPED), questions)
    run = run_attacks(bases, excellent, make_judge(judge_config), bank, judge_config.provider)
    assert len(run.results) == len(bases) * len(ATTACKS) >= 30
    return run


def _assert_attacks_fail(run: AttackRun) -> None:
    lifted = [(r.base_id, r.attack, r.lift) for r in run.beyond_noise()]
    assert lifted == [], f"attacks lifted the score beyond the judge's noise ({run.noise} points): {lifted}"
    unflagged = [(r.base_id, r.attack) for r in run.unflagged()]
    assert unflagged == [], f"attacks the grade did not flag: {unflagged}"
    for question, (terms_only, real) in run.stuffing_vs_real.items():
        assert terms_only < real, f"{question}: a list of terms scored {terms_only}, the real answer {real}"


def test_rubric_judge_resists_every_attack(shipped_bank) -> None:
    run = _attack(JudgeConfig(provider="rubric"), 3, shipped_bank)
    _assert_attacks_fail(run)
    # The rubric judge drops injected sentences before scoring: an injection changes nothing at all.
    assert all(r.lift <= 0 for r in run.results)


def test_llamacpp_judge_resists_every_attack(shipped_bank) -> None:
    _assert_attacks_fail(_attack(JudgeConfig(provider="llamacpp"), 2, shipped_bank))


def test_openai_judge_resists_every_attack(server: tuple[str, Path], shipped_bank) -> None:  # noqa: F811
    base_url, _ = server
    _assert_attacks_fail(_attack(JudgeConfig(provider="openai", base_url=base_url), 2, shipped_bank))
