"""The OpenAI judge against a real OpenAI-compatible server: llama-cpp-python's, on the bundled SmolLM2.

The server runs as a subprocess on 127.0.0.1. It does not take ``response_format`` type
``json_schema``, so the judge must fall back to ``json_object`` with a ``schema`` (which it
compiles into a grammar) and remember that. Needs the server extras (fastapi, uvicorn,
sse-starlette, starlette-context, pydantic-settings); without them the server fails to start and
the test fails with the server's log.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from interviewer.judge.base import Exchange, GradingRequest
from interviewer.judge.config import JudgeConfig
from interviewer.judge.factory import make_judge
from interviewer.judge.grade import Grade
from interviewer.judge.llm_prompt import PROMPT_VERSION
from interviewer.judge.providers.llamacpp_judge import default_model_path
from tests.conftest import free_port, stop_process

pytestmark = pytest.mark.slow

QUESTION_ID = "cml-calibration-vs-discrimination"
ANSWER = (
    "AUC only measures ranking, so a model can rank well and still be miscalibrated. "
    "I would plot a reliability diagram and compute the Brier score per segment on recent held-out data. "
    "Then fit isotonic regression or Platt scaling on a held-out calibration set."
)
STARTUP_TIMEOUT_S = 120


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """A llama-cpp-python server on a free loopback port: (base_url, its log file)."""
    port = free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(default_model_path())]
    command += ["--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"llama_cpp.server exited with {process.returncode}:\n{log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{base_url}/models", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama_cpp.server not ready after {STARTUP_TIMEOUT_S}s:\n{log.read_text()[-2000:]}")
            time.sleep(0.5)
        yield base_url, log
    finally:
        stop_process(process, timeout=15)


@pytest.fixture(scope="module")
def request_(shipped_bank) -> GradingRequest:
    question = shipped_bank.question(QUESTION_ID)
    rubric = shipped_bank.rubric_for(question)
    return GradingRequest(question, rubric, shipped_bank.criteria_for(rubric), [Exchange(question.prompt, ANSWER)])


def chat_statuses(log: Path) -> list[int]:
    """The HTTP status of every chat-completions request, from uvicorn's access log."""
    return [
        int(line.split('HTTP/1.1"')[1].split()[0])
        for line in log.read_text(errors="replace").splitlines()
        if "POST /v1/chat/completions" in line and 'HTTP/1.1"' in line
    ]


def test_grade_through_the_server_falls_back_to_json_object_with_schema(server, request_):
    base_url, log = server
    # A generous timeout: on a loaded 2-core machine a grade can take minutes, and a client-side
    # timeout would add a retry to the exact request sequence this test checks.
    judge = make_judge(JudgeConfig(provider="openai", base_url=base_url, max_retries=1, timeout_s=900))
    assert judge.response_format_mode is None

    grade = judge.grade(request_)

    assert isinstance(grade, Grade) and Grade.model_validate(grade.model_dump()) == grade
    assert [k.key_point_id for k in grade.key_points] == [k.id for k in request_.rubric.key_points]
    quotes = [q for k in grade.key_points for q in k.evidence] + [s.evidence for s in grade.strengths]
    quotes += [m.evidence for m in grade.misconceptions]
    for quote in quotes:
        assert quote and quote in ANSWER
    info = grade.judge
    assert info.provider == "openai" and info.prompt_version == PROMPT_VERSION
    with urllib.request.urlopen(f"{base_url}/models", timeout=5) as response:
        served = json.load(response)["data"][0]["id"]
    assert judge.model == served and info.model == served  # taken from the server when not configured
    assert info.input_tokens and info.output_tokens and info.latency_ms > 0

    # The server refused the strict json_schema mode and took json_object with a schema.
    assert judge.response_format_mode == "json_object+schema"
    assert list(judge.rejected_modes) == ["json_schema"]
    assert chat_statuses(log) == [500, 200]

    # The mode is remembered: the next grade goes straight to it.
    judge.grade(request_)
    assert judge.response_format_mode == "json_object+schema"
    assert chat_statuses(log) == [500, 200, 200]
