"""Broken bank files give messages that name the file, the line and the field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from interviewer.bank import load_bank
from interviewer.errors import BankError, QuestionNotFound

from .conftest import DATA

GOOD = (DATA / "banks" / "acme" / "acme.yaml").read_text()


def _bank_with(tmp_path: Path, text: str, name: str = "bank.yaml") -> Path:
    (tmp_path / name).write_text(text)
    return tmp_path


def _messages(path: Path) -> list[str]:
    return [str(p) for p in load_bank(path).errors]


def test_a_valid_user_bank_loads_with_shared_criteria(tmp_path):
    bank = load_bank(DATA / "banks" / "acme")
    assert bank.errors == []
    assert list(bank.questions) == ["acme-feature-store"]
    criteria = bank.criteria_for(bank.rubric_for(bank.question("acme-feature-store")))
    assert {c.id for c in criteria} == {"correctness", "depth", "tradeoffs", "structure"}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "level: mid",
            "level: expert",
            ["bank.yaml:7:", "questions[0] (acme-feature-store) level", "'junior', 'mid' or 'senior'"],
        ),
        (
            "    rubric: acme-feature-store",
            "    rubric: acme-nothing",
            ["question acme-feature-store", "rubric 'acme-nothing' does not exist"],
        ),
        (
            "key_point: point-in-time",
            "key_point: point-in-tim",
            ["follow_ups[1].key_point 'point-in-tim' is not a key point of rubric 'acme-feature-store'"],
        ),
        (
            "extends: [technical-accuracy, communication]",
            "extends: [technical-acuracy]",
            ["extends unknown rubric 'technical-acuracy'"],
        ),
        ("time_budget_s: 180", "time_budgt_s: 180", ["time_budgt_s", "Extra inputs are not permitted"]),
        (
            "        weight: 1\n",
            "        weight: 0\n",
            ["rubrics[0] (acme-feature-store) key_points.2.weight", "greater than 0"],
        ),
        (
            "    source:\n      file: acme-handbook\n      section: Data platform\n",
            "",
            ["questions[0] (acme-feature-store) source", "Field required"],
        ),
    ],
    ids=[
        "bad-enum",
        "dangling-rubric",
        "unknown-follow-up-key-point",
        "unknown-extends",
        "misspelt-field",
        "zero-weight",
        "missing-source",
    ],
)
def test_broken_fixture_messages(tmp_path, old, new, expected):
    assert old in GOOD
    messages = "\n".join(_messages(_bank_with(tmp_path, GOOD.replace(old, new, 1))))
    for fragment in expected:
        assert fragment in messages


def test_too_few_key_points_and_follow_ups(tmp_path):
    text = GOOD.replace(
        "      - key_point: point-in-time\n        prompt: How do you build a training set without leaking future values?\n",
        "",
    )
    text = text.replace(
        "      - id: reuse\n        statement: Features are shared and reused across teams and models.\n        weight: 1\n        terms: [reuse, shared features, discoverability]\n",
        "",
    )
    messages = "\n".join(_messages(_bank_with(tmp_path, text)))
    assert "follow_ups: List should have at least 2 items" in messages
    assert "needs at least 3 key_points, has 2" in messages


def test_yaml_syntax_error_names_the_line(tmp_path):
    broken = GOOD.replace("    level: mid", "    level: [mid")
    (message,) = _messages(_bank_with(tmp_path, broken))
    assert message.startswith(f"{tmp_path / 'bank.yaml'}:")
    assert "invalid YAML" in message


def test_duplicate_ids_across_files_name_both_places(tmp_path):
    _bank_with(tmp_path, GOOD, "a.yaml")
    _bank_with(tmp_path, GOOD, "b.yaml")
    messages = "\n".join(_messages(tmp_path))
    assert "question acme-feature-store: duplicate id (first defined at" in messages
    assert "rubric acme-feature-store: duplicate id" in messages
    assert str(tmp_path / "a.yaml") in messages


def test_one_bad_question_does_not_hide_the_others(tmp_path):
    second = (
        GOOD.split("rubrics:")[0]
        .replace("acme-feature-store\n    tracks", "acme-second\n    tracks")
        .replace("questions:\n", "")
    )
    text = GOOD.replace("rubrics:", second.replace("level: mid", "level: wizard") + "rubrics:")
    bank = load_bank(_bank_with(tmp_path, text))
    assert "acme-feature-store" in bank.questions
    assert any("acme-second" in str(p) and "level" in str(p) for p in bank.errors)


def test_unknown_top_level_key_and_non_mapping(tmp_path):
    _bank_with(tmp_path, GOOD + "question: []\n", "a.yaml")
    _bank_with(tmp_path, "- just\n- a list\n", "b.yaml")
    messages = "\n".join(_messages(tmp_path))
    assert "unknown top-level key" in messages
    assert "expected a mapping" in messages


def test_raise_for_errors_and_missing_folders(tmp_path):
    with pytest.raises(BankError, match="1 error"):
        load_bank(_bank_with(tmp_path, GOOD.replace("level: mid", "level: x"))).raise_for_errors()
    with pytest.raises(BankError, match="bank folder not found"):
        load_bank(tmp_path / "nowhere")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(BankError, match="no .yaml files"):
        load_bank(empty)
    with pytest.raises(QuestionNotFound, match="no question with id 'nope'"):
        load_bank(DATA / "banks" / "acme").question("nope")


def test_eval_folder_is_not_read_as_questions(tmp_path):
    shutil.copy(DATA / "banks" / "acme" / "acme.yaml", tmp_path / "acme.yaml")
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "graded.yaml").write_text("not: a bank file\n")
    assert load_bank(tmp_path).errors == []
