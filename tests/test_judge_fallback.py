"""A failing LLM judge falls back to the offline judge, marked; `regrade` fixes it later.

The LLM side is a local OpenAI-compatible HTTP server on 127.0.0.1 that fails with HTTP 500 and
then recovers: the real `openai` SDK and judge talk to it. A planted API key must never reach the
database, the checkpoints or the logs.
"""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from interviewer.app import build_judge, build_service
from interviewer.bank import Level, Track
from interviewer.regrade import regrade_session
from interviewer.settings import load_settings

PLANTED_KEY = "sk-planted-PLEASE-NEVER-LEAK-4242"
ANSWER = (
    "AUC only measures ranking, so a model can rank well and still be miscalibrated. "
    "I would plot a reliability diagram on recent data and then fit Platt scaling on a held-out set."
)


class FlakyServer:
    """/v1/chat/completions that returns HTTP 500 until told to answer with ``reply``."""

    def __init__(self) -> None:
        self.healthy = False
        self.reply: dict[str, Any] = {}
        self.requests = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                self._send(200, {"object": "list", "data": [{"id": "stub-model", "object": "model", "owned_by": "x"}]})

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("content-length", 0))
                self.rfile.read(length)
                outer.requests += 1
                if not outer.healthy:
                    self._send(500, {"error": {"message": "upstream exploded", "type": "server_error"}})
                    return
                self._send(
                    200,
                    {
                        "id": "chatcmpl-1",
                        "object": "chat.completion",
                        "created": 0,
                        "model": "stub-model",
                        "choices": [
                            {
                                "index": 0,
                                "finish_reason": "stop",
                                "message": {"role": "assistant", "content": json.dumps(outer.reply)},
                            }
                        ],
                        "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
                    },
                )

            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def flaky():
    server = FlakyServer()
    yield server
    server.server.shutdown()


def test_failing_judge_falls_back_then_regrade_replaces_the_grade(tmp_path, flaky, monkeypatch, caplog):
    monkeypatch.setenv("INTERVIEWER_CONFIG", str(tmp_path / "none.toml"))
    settings = load_settings(
        {
            "data_dir": str(tmp_path),
            "max_follow_ups": 0,
            "judge_provider": "openai",
            "judge_base_url": flaky.url,
            "judge_api_key": PLANTED_KEY,
            "judge_max_retries": 1,
            "judge_backoff_s": 0,
        }
    )
    caplog.set_level(logging.DEBUG)
    service = build_service(settings)
    step = service.start(Track.CLASSICAL_ML, Level.MID, 1)
    question_id = step.prompt["question_id"]
    done = service.answer(step.session_id, ANSWER)

    assert done.finished
    grade = service.store.grade_for(step.session_id, 0)
    assert grade.judge.provider == "rubric" and grade.judge.fallback_from == "openai"
    assert "fallback" in grade.flags
    assert flaky.requests >= 2  # retried before giving up
    assert service.store.turn(step.session_id, 0).answer_text == ANSWER

    rubric = service.bank.rubric_for(service.bank.question(question_id))
    flaky.reply = {
        "criteria": {c.id: {"level": 3, "justification": "solid"} for c in service.bank.criteria_for(rubric)},
        "key_points": {k.id: {"status": "covered", "quotes": ["a model can rank well"]} for k in rubric.key_points},
        "misconceptions": [],
        "strengths": [],
        "improvements": [],
    }
    flaky.healthy = True
    results = regrade_session(service.store, service.bank, build_judge(settings), step.session_id)
    assert [(r.turn_index, r.after is not None) for r in results] == [(0, True)]
    regraded = service.store.grade_for(step.session_id, 0)
    assert regraded.judge.provider == "openai" and regraded.judge.fallback_from is None
    assert service.store.get_session(step.session_id).overall == regraded.overall

    # The planted key is nowhere: database, checkpoints, or anything logged.
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert PLANTED_KEY.encode() not in path.read_bytes(), path
    assert PLANTED_KEY not in caplog.text
