"""Drive the served app as candidates do: `interviewer serve` as a real subprocess on 127.0.0.1,
one gradio_client Client per candidate (its own Gradio session, so its own ``gr.State``), and the
database checks that the load benchmark, the load test and the server-kill test share.

Each candidate's answers start with a marker naming the candidate and the answer's number, so
the database shows exactly whose answer landed where.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interviewer.storage import SessionStore, sqlite_url
from tests.conftest import REPO, free_port, stop_process

TRACKS = ["classical-ml", "llm-app", "agents", "ml-infra", "multimodal", "core"]
#: Realistic answers (60-100 words); a marker is put in front of each one.
ANSWER_TEXTS = [
    "I would start from the data rather than the model. First I check that the validation split matches "
    "production, with a time-based split if the data drifts, and look for leakage in engineered features. "
    "Then I compare against a simple baseline such as logistic regression, measure precision and recall at "
    "the operating threshold, and only then tune hyperparameters, changing one thing at a time and keeping "
    "a held-out set untouched for the final number.",
    "Cross-entropy is the negative log-likelihood of the labels under the model, so minimizing it is maximum "
    "likelihood estimation. With a sigmoid or softmax output its gradient stays large when the model is "
    "confidently wrong, whereas squared error saturates and learns slowly. I would use squared error or a "
    "Huber loss for regression targets, where Huber limits the influence of outliers while staying smooth "
    "near zero.",
    "For retrieval augmented generation I chunk documents by structure, embed the chunks, and retrieve with a "
    "hybrid of dense vectors and BM25, then rerank the top candidates with a cross-encoder. I evaluate "
    "retrieval separately from generation: recall at k on labelled queries for retrieval, and faithfulness "
    "to the retrieved context for the answers. Most failures I have seen come from bad chunking or missing "
    "metadata filters, not from the language model.",
    "An agent needs clear tool descriptions, validated arguments, and a budget on steps so it cannot loop "
    "forever. I keep short-term memory in the conversation and long-term memory in a store it queries "
    "explicitly. Every tool call with side effects should be checked against a policy, and risky actions "
    "need human confirmation. For evaluation I replay recorded tasks and measure task success, cost and the "
    "number of steps, not just the final text.",
    "The KV cache stores the keys and values of past tokens so decoding does not recompute attention over "
    "the whole prefix at every step. Its memory grows with batch size, sequence length, layers and heads, "
    "which is why paged attention allocates it in blocks and why grouped-query attention shares keys and "
    "values across heads. Quantizing the cache to eight bits roughly halves its memory at a small cost in "
    "accuracy.",
    "Calibration means the predicted probabilities match observed frequencies, which is different from "
    "discrimination measured by AUC. I check it with a reliability diagram and the Brier score on held-out "
    "data. To fix it I fit Platt scaling when data is scarce or isotonic regression when there is plenty, "
    "always on a separate calibration split, and I recheck after retraining because calibration drifts with "
    "the class balance.",
    "CLIP trains an image encoder and a text encoder with a contrastive loss so matching pairs end up close "
    "in a shared embedding space. That gives zero-shot classification by comparing an image with prompts for "
    "each class. For document understanding I would rather use a model that reads layout, because CLIP sees "
    "the page at low resolution and misses small text, tables and the reading order that matter for "
    "extraction.",
    "For a design like this I would first agree on the requirements: expected traffic, latency target, and "
    "how fresh the data must be. Then I would sketch the request path, put a cache in front of the expensive "
    "model calls, and make writes idempotent so retries are safe. I would add monitoring for latency, error "
    "rate and model quality, and a rollback plan, because most incidents come from deployments rather than "
    "from load.",
]
_TURN = re.compile(r'data-turn="(\d+)"')


def answer_text(candidate: str, number: int) -> str:
    """The ``number``-th answer of ``candidate``: its marker, then a realistic answer."""
    body = ANSWER_TEXTS[(number + sum(map(ord, candidate))) % len(ANSWER_TEXTS)]
    return f"{candidate}-a{number:02d}: {body}"


class ServedApp:
    """`interviewer serve` with the rubric judge on its own data folder, no config file."""

    def __init__(self, data_dir: Path, work_dir: Path, port: int | None = None, concurrency: int = 2) -> None:
        self.data_dir = data_dir
        self.work_dir = work_dir
        self.port = port or free_port()
        self.concurrency = concurrency
        self.log_path = work_dir / "serve.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "interviewer.db"

    def start(self, timeout: float = 180) -> None:
        """Start the server and return once it answers HTTP; RuntimeError if it exits or hangs."""
        tmp = self.work_dir / "tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("INTERVIEWER_")}
        # A killed server leaves its report and upload folders behind: keep them in our folder.
        env |= {
            "INTERVIEWER_DATA_DIR": str(self.data_dir),
            "INTERVIEWER_CONFIG": "/nonexistent",
            "GRADIO_ANALYTICS_ENABLED": "False",
            "TMPDIR": str(tmp),
            "GRADIO_TEMP_DIR": str(tmp / "gradio"),
        }
        args = ["serve", "--host", "127.0.0.1", "--port", str(self.port), "--concurrency", str(self.concurrency)]
        with self.log_path.open("ab") as log:
            log.write(f"\n=== start {time.strftime('%H:%M:%S')} ===\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "interviewer", *args, "--judge", "rubric"],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"interviewer serve exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url, timeout=2):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"interviewer serve did not answer within {timeout:.0f} s") from None
                time.sleep(0.2)

    def sigkill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc, timeout=20)

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""


@dataclass(frozen=True)
class Screen:
    """What a step's outputs show: the pending turn, or that the interview is over."""

    browser: dict[str, Any]
    turn: int | None
    finished: bool
    #: The candidate's answers in the conversation panel (empty when the step did not redraw it).
    answers_shown: list[str] = field(default_factory=list)


def read_screen(outputs: Any, browser: dict[str, Any]) -> Screen:
    """Find the browser storage, the progress bar's turn, the 'complete' line and the conversation
    among a step's outputs (by content, so a reordered layout does not break the driver)."""
    turn = None
    finished = False
    shown: list[str] = []
    for value in outputs if isinstance(outputs, tuple | list) else [outputs]:
        if isinstance(value, dict) and isinstance(value.get("sessions"), list):
            browser = value
        elif isinstance(value, str) and (match := _TURN.search(value)):
            turn = int(match.group(1))
        elif isinstance(value, str) and value.startswith("### Interview complete"):
            finished = True
        elif isinstance(value, list) and value and isinstance(value[0], dict) and "role" in value[0]:
            shown = [_message_text(m) for m in value if m.get("role") == "user"]
    if finished == (turn is not None):
        raise AssertionError(f"a step showed neither one question nor the end: {str(outputs)[:500]}")
    return Screen(browser=browser, turn=turn, finished=finished, answers_shown=shown)


def _message_text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return str(content)


class AppCandidate:
    """One candidate in their own browser tab: a gradio_client Client and the browser's storage.

    Every call has a timeout (``call_timeout``, cut short by ``deadline``, a monotonic time).
    """

    def __init__(self, url: str, name: str, call_timeout: float = 120, deadline: float | None = None) -> None:
        self.url = url
        self.name = name
        self.call_timeout = call_timeout
        self.deadline = deadline
        #: What the browser keeps in local storage: the ids of the sessions it started.
        self.browser: dict[str, Any] = {"sessions": []}
        self.client: Any = None

    def connect(self) -> None:
        """Open the page: a new Gradio session, whose load event refreshes History."""
        import httpx
        from gradio_client import Client

        # gradio_client's HTTP requests time out after 5 s by default; a browser waits, and a busy
        # 2-core server can take longer to accept a request. ``call_timeout`` still bounds each call.
        self.client = Client(
            self.url,
            verbose=False,
            download_files=False,
            analytics_enabled=False,
            httpx_kwargs={"timeout": httpx.Timeout(60.0, connect=10.0)},
        )
        self.history()

    def history(self) -> Any:
        """The History tab's refresh, which the page runs on load and after every step."""
        return self._call("/on_history", self.browser)

    def start(self, track: str, questions: int, level: str = "mid") -> Screen:
        return self._step("/on_start", self.browser, track, level, questions, 0, "text")

    def submit(self, text: str) -> Screen:
        return self._step("/on_submit", self.browser, text)

    def reopen(self, session_id: str) -> Screen:
        """History, then "Resume / open" on ``session_id``, as after reloading the page."""
        self.history()
        return self._step("/on_open", self.browser, session_id)

    @property
    def session_id(self) -> str | None:
        sessions = self.browser["sessions"]
        # The browser keeps "<id>.<signature>" (ui.state signs every id it hands out).
        return str(sessions[-1]).rsplit(".", 1)[0] if sessions else None

    def _step(self, api_name: str, *args: Any) -> Screen:
        screen = read_screen(self._call(api_name, *args), self.browser)
        self.browser = screen.browser
        return screen

    def _call(self, api_name: str, *args: Any) -> Any:
        timeout = self.call_timeout
        if self.deadline is not None:
            timeout = min(timeout, self.deadline - time.monotonic())
        if timeout <= 0:
            raise TimeoutError(f"{self.name}: out of time before {api_name}")
        job = self.client.submit(*args, api_name=api_name)
        try:
            return job.result(timeout=timeout)
        except TimeoutError:
            job.cancel()
            raise TimeoutError(f"{self.name}: {api_name} gave no answer within {timeout:.0f} s") from None


def check_database(db_path: Path, expected: dict[str, list[str]], completed: set[str]) -> list[str]:
    """What is wrong with the database, given the answers each session should hold (empty: nothing).

    ``expected``: session id -> the answers the candidates know were saved, in order. Any other
    session (one whose start a kill interrupted) must hold no answers. ``completed``: sessions the
    candidates saw finish, which must be stored complete and fully graded.
    """
    problems: list[str] = []
    with sqlite3.connect(db_path, timeout=30) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if integrity != "ok":
        problems.append(f"integrity_check: {integrity}")
    store = SessionStore(sqlite_url(db_path))
    seen: dict[str, str] = {}
    for record in store.list_sessions(limit=100_000):
        turns = store.turns(record.id)
        answers = [t.answer_text for t in turns if t.answer_text is not None]
        if [t.index for t in turns] != list(range(len(turns))):
            problems.append(f"{record.id}: turns not contiguous: {[t.index for t in turns]}")
        if any(t.answer_text is None for t in turns[:-1]):
            problems.append(f"{record.id}: an unanswered turn before the last one")
        for text in answers:
            if text in seen:
                problems.append(f"{record.id}: answer {_markers([text])[0]} also stored in session {seen[text]}")
            seen[text] = record.id
        want = expected.get(record.id)
        if want is None:
            if answers:
                problems.append(f"{record.id}: no candidate owns it, yet it holds {_markers(answers)}")
            continue
        if answers != want:
            problems.append(f"{record.id}: stored {_markers(answers)} but expected {_markers(want)}")
        if record.id in completed:
            graded = sorted(store.grades(record.id))
            if record.status != "completed" or len(answers) != len(turns) or graded != [t.index for t in turns]:
                problems.append(f"{record.id}: finished for the candidate but stored {record.status}, graded {graded}")
    missing = set(expected) - {r.id for r in store.list_sessions(limit=100_000)}
    problems += [f"{sid}: session missing from the database" for sid in sorted(missing)]
    store.engine.dispose()
    return problems


def _markers(answers: list[str]) -> list[str]:
    """The candidate-and-number markers the answers start with (what a problem report needs)."""
    return [a.split(":", 1)[0][:40] for a in answers]
