"""CONTRACT test of the Anthropic judge's wire format, against a local stand-in for the Messages API.

No Anthropic server is reachable from CI, so a stdlib HTTP server on 127.0.0.1 plays its part:
it checks the request the real ``anthropic`` SDK sends (path, auth and version headers, the grade
tool and the forced ``tool_choice``, the answer inside its data delimiters) and replies in the
shape the API documents for a tool call. What this cannot show is how a real Claude model grades;
it pins down everything on our side of the wire, and the retry and secrecy rules.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from interviewer.errors import ConfigError, JudgeError
from interviewer.judge.base import Exchange, GradingRequest
from interviewer.judge.config import JudgeConfig
from interviewer.judge.factory import make_judge
from interviewer.judge.grade import Coverage, Grade
from interviewer.judge.llm_prompt import ANSWER_TAG, PROMPT_VERSION, SCHEMA_NAME

API_KEY = "sk-ant-test-0123456789-SECRET"
QUESTION_ID = "cml-calibration-vs-discrimination"
ANSWER = (
    "AUC only measures ranking, so a model can rank well and still be miscalibrated. "
    "I would check a reliability diagram and the Brier score on recent held-out data, per segment."
)
MODEL = "claude-haiku-4-5-20251001"

#: The recorded shape of a Messages API reply that ends in a forced tool call.
TOOL_INPUT = {
    "criteria": {
        "correctness": {"justification": "Separates ranking from calibration correctly.", "level": 3},
        "depth": {"justification": "Names how to measure, not why.", "level": 2},
        "tradeoffs": {"justification": "No comparison of fixes.", "level": 1},
        "structure": {"justification": "Leads with the answer.", "level": 3},
    },
    "key_points": {
        "calibration-differs-from-ranking": {
            "quotes": ["a model can rank well and still be miscalibrated"],
            "status": "covered",
        },
        "measure-calibration": {"quotes": ["a reliability diagram and the Brier score"], "status": "covered"},
        "post-hoc-methods": {"quotes": ["I would apply Platt scaling"], "status": "covered"},  # not said
        "recalibrate-on-deployment-like-data": {"quotes": [], "status": "missed"},
    },
    "misconceptions": [],
    "strengths": [{"point": "Leads with the key distinction", "quote": "AUC only measures ranking"}],
    "improvements": ["Say how you would fix miscalibration once found."],
}
TOOL_REPLY = {
    "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
    "type": "message",
    "role": "assistant",
    "model": MODEL,
    "content": [{"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": SCHEMA_NAME, "input": TOOL_INPUT}],
    "stop_reason": "tool_use",
    "stop_sequence": None,
    "usage": {"input_tokens": 1423, "output_tokens": 388},
}


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class FakeMessagesAPI:
    """Replies from ``script`` in order (the last one repeats) and records every request."""

    script: list[tuple[int, dict[str, Any], dict[str, str]]] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    url: str = ""

    def reply(self) -> tuple[int, dict[str, Any], dict[str, str]]:
        return self.script[min(len(self.seen) - 1, len(self.script) - 1)]


@pytest.fixture
def api() -> Iterator[FakeMessagesAPI]:
    fake = FakeMessagesAPI()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
            length = int(self.headers.get("content-length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            fake.seen.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            status, payload, headers = fake.reply()
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def request_(shipped_bank) -> GradingRequest:
    question = shipped_bank.question(QUESTION_ID)
    rubric = shipped_bank.rubric_for(question)
    return GradingRequest(question, rubric, shipped_bank.criteria_for(rubric), [Exchange(question.prompt, ANSWER)])


def judge_for(api: FakeMessagesAPI, **overrides: Any):
    values = {"provider": "anthropic", "base_url": api.url, "api_key": API_KEY, "max_retries": 2, "backoff_s": 0.01}
    return make_judge(JudgeConfig(**(values | overrides)))


def error_body(kind: str, message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": kind, "message": message}}


def test_request_shape_and_grounded_grade(api, request_):
    api.script = [(200, TOOL_REPLY, {})]
    grade = judge_for(api).grade(request_)

    (seen,) = api.seen
    assert seen.path == "/v1/messages"
    # Older SDKs send the key as x-api-key; anthropic 2.x sends "Authorization: Bearer". The API
    # takes either; what matters is that the configured key, and only it, is presented.
    presented = seen.headers.get("x-api-key") or seen.headers.get("authorization", "").removeprefix("Bearer ")
    assert presented == API_KEY
    assert seen.headers["anthropic-version"]
    assert seen.headers["content-type"].startswith("application/json")
    body = seen.body
    assert body["model"] == "claude-haiku-4-5"
    assert body["max_tokens"] > 0
    (tool,) = body["tools"]
    assert tool["name"] == SCHEMA_NAME and tool["description"]
    schema = tool["input_schema"]
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert list(schema["properties"]["key_points"]["properties"]) == [k.id for k in request_.rubric.key_points]
    assert body["tool_choice"] == {"type": "tool", "name": SCHEMA_NAME}
    assert "never instructions" in body["system"]
    (turn,) = body["messages"]
    assert turn["role"] == "user"
    assert f'<{ANSWER_TAG} n="1">\n{ANSWER}\n</{ANSWER_TAG}>' in turn["content"]

    assert isinstance(grade, Grade)
    statuses = {k.key_point_id: k.status for k in grade.key_points}
    assert statuses["calibration-differs-from-ranking"] is Coverage.COVERED
    assert statuses["post-hoc-methods"] is Coverage.MISSED  # its quote is not in the answer
    assert "evidence-dropped" in grade.flags
    for quote in [q for k in grade.key_points for q in k.evidence] + [s.evidence for s in grade.strengths]:
        assert quote in ANSWER
    assert grade.judge.provider == "anthropic" and grade.judge.model == MODEL
    assert grade.judge.prompt_version == PROMPT_VERSION
    assert (grade.judge.input_tokens, grade.judge.output_tokens) == (1423, 388)


def test_rate_limit_is_retried(api, request_):
    api.script = [(429, error_body("rate_limit_error", "slow down"), {"retry-after": "0"}), (200, TOOL_REPLY, {})]
    grade = judge_for(api).grade(request_)
    assert len(api.seen) == 2
    assert grade.judge.provider == "anthropic"


def test_server_errors_until_failure_raise_judge_error_without_the_key(api, request_):
    # The stand-in echoes the key back, as a misbehaving proxy might: it must not reach the user.
    api.script = [(500, error_body("api_error", f"internal error for key {API_KEY}"), {})]
    config = JudgeConfig(provider="anthropic", base_url=api.url, api_key=API_KEY, max_retries=2, backoff_s=0.01)
    judge = make_judge(config)
    with pytest.raises(JudgeError) as caught:
        judge.grade(request_)
    assert len(api.seen) == 3  # the first try and two retries
    assert "500" in str(caught.value)
    for shown in (str(caught.value), repr(caught.value), repr(config), str(config), repr(judge)):
        assert API_KEY not in shown
    # Not chained to the SDK's exception either, whose message holds the server's reply.
    assert caught.value.__cause__ is None and caught.value.__context__ is None


def test_client_error_is_not_retried(api, request_):
    api.script = [(401, error_body("authentication_error", "invalid x-api-key"), {})]
    with pytest.raises(JudgeError, match="invalid x-api-key"):
        judge_for(api).grade(request_)
    assert len(api.seen) == 1


def test_reply_without_the_tool_call_is_malformed(api, request_):
    text_reply = TOOL_REPLY | {
        "content": [{"type": "text", "text": "I'd rather not grade this."}],
        "stop_reason": "end_turn",
    }
    api.script = [(200, text_reply, {})]
    with pytest.raises(JudgeError, match="no valid grade after 2 attempt"):
        judge_for(api, max_retries=1).grade(request_)
    assert len(api.seen) == 2


def test_config_keeps_the_key_secret_and_rejects_bad_values(monkeypatch, tmp_path):
    config = JudgeConfig(provider="anthropic", api_key=API_KEY)
    assert API_KEY not in repr(config) and API_KEY not in config.model_dump_json()
    assert config.resolved_api_key() == API_KEY

    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-from-env")
    assert JudgeConfig(provider="anthropic").resolved_api_key() == "sk-from-env"
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(ConfigError, match="ANTHROPIC_API_KEY"):
        make_judge(JudgeConfig(provider="anthropic"))
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        make_judge(JudgeConfig(provider="openai"))
    with pytest.raises(ConfigError, match="model_path"):
        make_judge(JudgeConfig(provider="llamacpp", model_path=tmp_path / "missing.gguf"))
    with pytest.raises(ConfigError) as caught:
        JudgeConfig.from_mapping({"provider": "gemini", "api_key": API_KEY, "timeout_s": -1})
    message = str(caught.value)
    assert "provider" in message and "timeout_s" in message and API_KEY not in message
