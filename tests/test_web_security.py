"""The served app's web-security properties, checked against `interviewer serve --auth` as a host
runs it: what a signed-out visitor gets, which files the server hands out, upload limits, one
user's sessions kept from another, planted API keys kept out of every output, and the Gradio
release the app needs. docs/security.md lists what each test proves.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import version
from pathlib import Path
from typing import Any

import httpx
import pytest
from gradio_client.exceptions import AppError
from packaging.requirements import Requirement
from packaging.version import Version

from tests.served_app import REPO, ServedApp, raw_get, serve_app

#: The first Gradio release with every path-traversal and SSRF fix in docs/security.md
#: (CVE-2026-59806: /gradio_api/file=<url> redirect and SSRF, fixed in 6.20.0).
GRADIO_MINIMUM = Version("6.20.0")
ALICE, BOB = ("alice", "pw1"), ("bob", "pw2")
PLANTED_KEYS = {
    "OPENAI_API_KEY": "sk-planted-openai-WEBSEC-7f3a9c11",
    "ANTHROPIC_API_KEY": "sk-ant-planted-WEBSEC-51d2e8a0",
}
#: Alice's answer carries this, so any leak of her transcript is visible.
MARKER = "ALICE-PRIVATE-MARKER-q9v7w2"
#: The browser-side list of sessions; ignored for signed-in users, who are known by name.
NO_SESSIONS: dict[str, list[str]] = {"sessions": []}
REFUSED = (400, 403, 404)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    env = {**PLANTED_KEYS, "INTERVIEWER_JUDGE": "rubric"}
    with serve_app(tmp_path_factory.mktemp("web-security"), users=[ALICE, BOB], env=env) as served:
        yield served


@dataclass
class AliceSession:
    """Alice's interview: one answer holding MARKER, its report rendered for her."""

    client: Any
    session_id: str
    #: The download URLs the app gave her (Gradio's cache), by format.
    report_urls: dict[str, str]


@pytest.fixture(scope="module")
def alice(app: ServedApp) -> AliceSession:
    client = app.gradio_client(*ALICE)
    started = client.predict(NO_SESSIONS, "classical-ml", "mid", 1, 0, "text", api_name="/on_start")
    (signed_id,) = started[0]["sessions"]
    session_id = signed_id.rsplit(".", 1)[0]  # the browser keeps "<id>.<signature>"
    client.predict(
        NO_SESSIONS, f"{MARKER}: calibration means predicted probabilities match outcomes.", api_name="/on_submit"
    )
    # As the page does after each step: the history refresh offers her sessions in the picker.
    client.predict(NO_SESSIONS, api_name="/on_history")
    shown = client.predict(NO_SESSIONS, session_id, api_name="/on_report")
    urls = {name: shown[i]["value"]["url"] for i, name in ((1, "pdf"), (2, "md"), (3, "json"))}
    return AliceSession(client=client, session_id=session_id, report_urls=urls)


# -- the Gradio release -----------------------------------------------------------------------------


def test_gradio_is_at_least_the_release_with_the_file_route_fixes() -> None:
    installed = Version(version("gradio"))
    assert installed >= GRADIO_MINIMUM, f"gradio {installed} predates the fixes listed in docs/security.md"
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    (gradio,) = [Requirement(r) for r in project["dependencies"] if Requirement(r).name == "gradio"]
    assert gradio.specifier.contains(str(GRADIO_MINIMUM))
    assert not any(gradio.specifier.contains(v) for v in ("6.0.0", "6.19.99")), (
        f"pyproject allows gradio {gradio.specifier}"
    )


# -- signed out -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_signed_out_visitors_get_the_login_page_and_nothing_else(app: ServedApp, alice: AliceSession) -> None:
    anonymous = httpx.Client(base_url=app.url, timeout=30)
    page = anonymous.get("/")
    assert page.status_code == 200
    assert '"auth_required":true' in page.text and '"components":[]' in page.text
    assert MARKER not in page.text and alice.session_id not in page.text

    for path in [
        "/config",
        "/gradio_api/info",
        "/gradio_api/openapi.json",
        "/gradio_api/queue/status",
        "/gradio_api/queue/data?session_hash=x",
        "/gradio_api/file=/etc/passwd",
        alice.report_urls["md"].removeprefix(app.url),  # a real file URL, without the cookie
        "/monitoring",
    ]:
        response = anonymous.get(path)
        assert response.status_code == 401, f"GET {path} -> {response.status_code}"
        assert MARKER not in response.text
    assert anonymous.get("/gradio_api/deep_link?session_hash=x").status_code in (401, 404)
    for path in [
        "/gradio_api/upload",
        "/gradio_api/queue/join",
        "/gradio_api/run/on_history",
        "/gradio_api/call/on_history",
    ]:
        assert anonymous.post(path, json={}).status_code == 401, f"POST {path}"

    wrong = anonymous.post("/login", data={"username": "alice", "password": "pw2"})
    assert wrong.status_code != 200 and not wrong.cookies
    from gradio_client import Client

    with pytest.raises(Exception, match="(?i)login|auth|401"):
        Client(app.url, verbose=False)


# -- files served -----------------------------------------------------------------------------------


def _traversal_targets(app: ServedApp, planted: Path, link_in_cache: Path) -> list[str]:
    cache, data = app.upload_dir, app.data_dir
    up = "/".join([".."] * 8)
    return [
        "/gradio_api/file=/etc/passwd",
        "/gradio_api/file=%2Fetc%2Fpasswd",
        "/gradio_api/file=//etc/passwd",
        "/gradio_api/file=file:///etc/passwd",
        "/gradio_api/file//etc/passwd",  # the legacy /file/{path} route
        "/file=/etc/passwd",
        f"/gradio_api/file={cache}/{up}/etc/passwd",
        f"/gradio_api/file={cache}/{up.replace('..', '%2e%2e')}/etc/passwd",
        f"/gradio_api/file={cache}%2F{up.replace('/', '%2F')}%2Fetc%2Fpasswd",
        f"/gradio_api/file={cache}/{up.replace('/', '%252f')}%252fetc%252fpasswd",
        f"/gradio_api/file={link_in_cache}",  # a symlink inside the served cache, to /etc/passwd
        f"/gradio_api/file={data}/passwd-link",  # a symlink in the data folder
        f"/gradio_api/file={data}/interviewer.db",
        f"/gradio_api/file={data}/checkpoints.db",
        f"/gradio_api/file={data}/ui-secret",
        f"/gradio_api/file={planted}",
        f"/gradio_api/file={cache}/../../data/interviewer.db",
        f"/gradio_api/file={REPO}/pyproject.toml",  # the server's working directory
        f"/gradio_api/file={app.work_dir}/../../data/interviewer.db",
        f"/static/{up}/etc/passwd",
        f"/static/{up.replace('..', '%2e%2e')}/etc/passwd",
        "/static//etc/passwd",
        f"/assets/{up.replace('/', '%2f')}%2fetc%2fpasswd",
        f"/svelte/{up}/etc/passwd",
        f"/gradio_api/proxy=file://{data}/interviewer.db",
    ]


@pytest.mark.slow
def test_no_file_outside_the_served_cache_is_served(app: ServedApp, alice: AliceSession) -> None:
    session = app.signed_in(*ALICE)
    # The route works: her own report comes back, so the refusals below are real refusals.
    own = session.get(alice.report_urls["md"].removeprefix(app.url))
    assert own.status_code == 200 and MARKER in own.text

    planted = app.data_dir / "planted-secret.txt"
    planted.write_text("PLANTED-DATA-DIR-SECRET", encoding="utf-8")
    (app.data_dir / "passwd-link").symlink_to("/etc/passwd")
    link_in_cache = app.upload_dir / "planted" / "passwd-link.txt"
    link_in_cache.parent.mkdir(parents=True, exist_ok=True)
    link_in_cache.symlink_to("/etc/passwd")
    secret = (app.data_dir / "ui-secret").read_bytes().strip()
    forbidden = [b"root:x:0", b"SQLite format 3", secret, b"PLANTED-DATA-DIR-SECRET", b"[tool.ruff]"]

    for target in _traversal_targets(app, planted, link_in_cache):
        status, body = raw_get(app.url, target, session.cookies)
        assert status in REFUSED, f"GET {target} -> {status}"
        leaked = [f for f in forbidden if f in body]
        assert not leaked, f"GET {target} returned {leaked}"


class _PrivateService:
    """An HTTP service on 127.0.0.1 standing in for internal services (metadata, admin ports)."""

    def __init__(self) -> None:
        self.hits = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                outer.hits += 1
                body = b"INTERNAL-ONLY"
                self.send_response(200)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.mark.slow
def test_the_file_route_does_not_fetch_or_redirect_to_private_addresses(app: ServedApp) -> None:
    internal = _PrivateService()
    session = app.signed_in(*ALICE)
    try:
        for url in [
            f"{internal.url}/secret",
            f"http://localhost:{internal.server.server_address[1]}/secret",
            "http://169.254.169.254/latest/meta-data/",
        ]:
            for route in ("/gradio_api/file=", "/gradio_api/file/", "/gradio_api/proxy="):
                response = session.get(route + url, follow_redirects=False)
                assert response.status_code in (*REFUSED, 401), f"{route}{url} -> {response.status_code}"
                assert "location" not in response.headers
                assert "INTERNAL-ONLY" not in response.text
        assert internal.hits == 0
    finally:
        internal.server.shutdown()


# -- uploads ----------------------------------------------------------------------------------------


def _files_under(*folders: Path) -> dict[Path, int]:
    return {p: p.stat().st_size for folder in folders for p in folder.rglob("*") if p.is_file() and not p.is_symlink()}


@pytest.mark.slow
def test_an_upload_over_the_limit_is_refused_before_it_is_stored(app: ServedApp) -> None:
    from interviewer.speech import SttConfig

    limit = int(SttConfig.from_mapping({}).max_mb * 1024 * 1024)
    session = app.signed_in(*BOB)
    before = _files_under(app.tmp_dir, app.data_dir)

    response = session.post(
        "/gradio_api/upload", files={"files": ("too-big-answer.wav", b"\0" * (limit + 1), "audio/wav")}
    )
    assert response.status_code == 413
    assert "maximum allowed size" in response.text
    new = {p: size for p, size in _files_under(app.tmp_dir, app.data_dir).items() if p not in before}
    assert not any(p.name == "too-big-answer.wav" or size > limit for p, size in new.items()), new

    # The same route takes a small file: the refusal above is the size limit, not the route.
    small = session.post("/gradio_api/upload", files={"files": ("small-answer.wav", b"RIFF", "audio/wav")})
    assert small.status_code == 200 and small.json()[0].endswith("small-answer.wav")


@pytest.mark.slow
def test_a_non_audio_wav_answer_gets_the_audio_error_and_loses_nothing(app: ServedApp, tmp_path: Path) -> None:
    from gradio_client import handle_file

    client = app.gradio_client(*BOB)
    started = client.predict(NO_SESSIONS, "llm-app", "mid", 2, 0, "voice", api_name="/on_start")
    (signed_id,) = started[0]["sessions"]
    session_id = signed_id.rsplit(".", 1)[0]  # the browser keeps "<id>.<signature>"
    # The spoken question is served from Gradio's cache (the app's work folder itself is not served).
    spoken = app.signed_in(*BOB).get(started[3]["value"]["url"].removeprefix(app.url))
    assert spoken.status_code == 200 and spoken.content[:4] == b"RIFF"
    client.predict(NO_SESSIONS, "BOB-FIRST-ANSWER: retrieval grounds the answer in documents.", api_name="/on_submit")
    assert _stored_answers(app, session_id) == ["BOB-FIRST-ANSWER: retrieval grounds the answer in documents."]

    fake = tmp_path / "answer.wav"
    fake.write_bytes(b"this is a text file wearing a .wav name\n" * 50)
    shown = client.predict(NO_SESSIONS, handle_file(str(fake)), api_name="/on_recording_1")
    status = next(value for value in shown if isinstance(value, str) and "could not be used" in value)
    assert "not a readable audio file" in status
    assert "Traceback" not in status and str(app.tmp_dir) not in status  # no server paths
    assert _stored_answers(app, session_id) == ["BOB-FIRST-ANSWER: retrieval grounds the answer in documents."]

    # The question stayed open: a typed answer to it is taken.
    client.predict(NO_SESSIONS, "BOB-SECOND-ANSWER: chunking and reranking matter.", api_name="/on_submit")
    assert _stored_answers(app, session_id)[-1] == "BOB-SECOND-ANSWER: chunking and reranking matter."


def _stored_answers(app: ServedApp, session_id: str) -> list[str]:
    with sqlite3.connect(f"file:{app.data_dir / 'interviewer.db'}?mode=ro", uri=True) as db:
        rows = db.execute(
            'SELECT answer_text FROM turn WHERE session_id = ? AND answer_text IS NOT NULL ORDER BY "index"',
            (session_id,),
        ).fetchall()
    return [row[0] for row in rows]


# -- one user's sessions kept from another ----------------------------------------------------------


@pytest.mark.slow
def test_bob_cannot_list_open_resume_or_report_alices_session(app: ServedApp, alice: AliceSession) -> None:
    bob = app.gradio_client(*BOB)
    history = bob.predict(NO_SESSIONS, api_name="/on_history")
    assert alice.session_id not in repr(history) and MARKER not in repr(history)

    for api_name in ("/on_open", "/on_report"):
        with pytest.raises(AppError) as refused:
            bob.predict(NO_SESSIONS, alice.session_id, api_name=api_name)
        assert MARKER not in str(refused.value)
    # Naming her session in the browser-side list changes nothing for a signed-in user.
    try:
        resumed = bob.predict({"sessions": [alice.session_id]}, api_name="/on_resume_last")
    except AppError as exc:  # no unfinished session of his own to resume
        resumed = (NO_SESSIONS, str(exc))
    # The first output only echoes the list he sent; nothing else may name or show her session.
    assert alice.session_id not in repr(resumed[1:]) and MARKER not in repr(resumed)


@pytest.mark.slow
def test_bob_cannot_download_alices_report_files(app: ServedApp, alice: AliceSession) -> None:
    session = app.signed_in(*BOB)
    report_dir = app.work_dir / "reports" / alice.session_id
    assert (report_dir / f"interview-{alice.session_id}.md").is_file()  # rendered, so there is something to steal
    for suffix in ("pdf", "md", "json"):
        status, body = raw_get(
            app.url, f"/gradio_api/file={report_dir}/interview-{alice.session_id}.{suffix}", session.cookies
        )
        assert status in REFUSED, f"{suffix} report by path -> {status}"
        assert MARKER.encode() not in body


@pytest.mark.slow
def test_bob_cannot_act_through_alices_browser_session(app: ServedApp, alice: AliceSession) -> None:
    """Gradio keys a tab's state by a session hash; one taken from Alice's tab (a proxy log, a
    shoulder) must not give Bob her interview."""
    session = app.signed_in(*BOB)
    # Deep links would copy her whole page (answers included) into a link anyone signed in can open.
    response = session.get("/gradio_api/deep_link", params={"session_hash": alice.client.session_hash})
    assert response.status_code == 404 and MARKER not in response.text

    answers_before = _stored_answers(app, alice.session_id)
    bob = app.gradio_client(*BOB)
    bob.session_hash = alice.client.session_hash  # her tab state, his login
    with pytest.raises(AppError, match="of yours"):
        bob.predict(NO_SESSIONS, "BOB-HIJACK-ANSWER", api_name="/on_submit")
    with pytest.raises(AppError, match="of yours"):
        bob.predict(NO_SESSIONS, True, api_name="/on_end")
    assert _stored_answers(app, alice.session_id) == answers_before
    with sqlite3.connect(f"file:{app.data_dir / 'interviewer.db'}?mode=ro", uri=True) as db:
        (status,) = db.execute("SELECT status FROM interview_session WHERE id = ?", (alice.session_id,)).fetchone()
    assert status != "completed"


# -- secrets ----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_planted_api_keys_reach_no_log_file_page_or_report(app: ServedApp, alice: AliceSession) -> None:
    # The keys did reach the server: its environment holds them.
    environ = Path(f"/proc/{app.process.pid}/environ").read_bytes()
    assert all(key.encode() in environ for key in PLANTED_KEYS.values())

    client = app.gradio_client(*ALICE)
    client.predict(NO_SESSIONS, "core", "senior", 2, 0, "text", api_name="/on_start")
    client.predict(NO_SESSIONS, "Consistency, availability and partition tolerance trade off.", api_name="/on_submit")
    with pytest.raises(AppError):  # an error on the way: a session that does not exist
        client.predict(NO_SESSIONS, "no-such-session", api_name="/on_report")
    session = app.signed_in(*ALICE)
    too_big = session.post("/gradio_api/upload", files={"files": ("big.wav", b"\0" * (60 * 1024 * 1024), "audio/wav")})
    assert too_big.status_code == 413
    ended = client.predict(NO_SESSIONS, True, api_name="/on_end")
    downloads = [item["value"]["url"] for item in ended[-3:]]

    outputs: dict[str, bytes] = {"server log": app.log_path.read_bytes()}
    for url in downloads:
        response = session.get(url.removeprefix(app.url))
        assert response.status_code == 200
        outputs[f"report {url.rsplit('.', 1)[-1]}"] = response.content
    for path in ("/", "/config", "/gradio_api/info"):
        outputs[f"page {path}"] = session.get(path).content
    for folder in (app.data_dir, app.tmp_dir):
        outputs |= {str(p): p.read_bytes() for p in folder.rglob("*") if p.is_file() and not p.is_symlink()}
    assert any(name.endswith("interviewer.db") for name in outputs) and len(outputs) > 10

    for key in PLANTED_KEYS.values():
        leaks = [name for name, data in outputs.items() if key.encode() in data or key[-12:].encode() in data]
        assert not leaks, f"planted key found in {leaks}"
