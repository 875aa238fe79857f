"""Text practice in the terminal, scripted through stdin and answer files, as a user runs it."""

from __future__ import annotations

import json

import pytest

from .conftest import run_cli

ANSWER = "I would compare it against a simple baseline, check the data split for leakage, and measure on a holdout."


@pytest.mark.slow
def test_scripted_practice_then_sessions_show_and_resume(tmp_path):
    # Two answers only: the interview pauses, and `resume` finishes it from an answers file.
    first = run_cli(
        tmp_path,
        "practice",
        "--track",
        "llm-app",
        "--questions",
        "2",
        "--answers",
        "-",
        stdin=f"{ANSWER}\n---\n{ANSWER}\n",
    )
    assert first.returncode == 3, first.stderr
    assert "No more answers" in first.stdout and "graded by rubric" in first.stdout
    session_id = first.stdout.split("Session ")[1].split()[0]

    listed = run_cli(tmp_path, "sessions")
    assert session_id in listed.stdout and "active" in listed.stdout

    answers = tmp_path / "answers.txt"
    answers.write_text("\n---\n".join([ANSWER] * 10))
    resumed = run_cli(tmp_path, "resume", session_id[:8], "--answers", str(answers))
    assert resumed.returncode == 0, resumed.stderr
    assert "Interview complete" in resumed.stdout

    shown = run_cli(tmp_path, "show", session_id, "--json")
    payload = json.loads(shown.stdout)
    assert payload["session"]["status"] == "completed"
    assert all(t["answer_text"] == ANSWER for t in payload["turns"])
    assert len(payload["grades"]) == len(payload["turns"])
    assert all(g["judge"]["provider"] == "rubric" for g in payload["grades"].values())
    text = run_cli(tmp_path, "show", session_id)
    assert "judge rubric" in text.stdout and "Score" in text.stdout


def test_user_errors_are_one_line(tmp_path):
    unknown = run_cli(tmp_path, "show", "doesnotexist")
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == "error: no interview session 'doesnotexist' (see `interviewer sessions`)"

    bad_env = run_cli(tmp_path, "sessions", env={"INTERVIEWER_MAX_FOLLOW_UPS": "many"})
    assert bad_env.returncode == 2
    assert "INTERVIEWER_MAX_FOLLOW_UPS" in bad_env.stderr and "Traceback" not in bad_env.stderr

    missing = run_cli(tmp_path, "practice", "--answers", str(tmp_path / "nope.txt"))
    assert missing.returncode == 2 and "cannot read answers file" in missing.stderr

    bad_judge = run_cli(tmp_path, "practice", "--judge", "oracle", "--answers", "-", stdin="x")
    assert bad_judge.returncode == 2 and "judge" in bad_judge.stderr.lower()
    assert len(bad_judge.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_interactive_practice_pauses_when_input_ends(tmp_path):
    # No --answers and stdin closed at once (Ctrl-D, a finished pipe): pause, do not loop forever.
    result = run_cli(tmp_path, "practice", "--questions", "1", stdin="")
    assert result.returncode == 130
    assert "Interview paused" in result.stdout
