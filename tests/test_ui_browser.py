"""The browser app in a real browser: Playwright drives Debian's Chromium against
`interviewer serve` started as a user would start it, on 127.0.0.1 with a throwaway data folder.

The spoken answer goes through the real microphone path: Chromium's fake capture device plays a
WAV file made with espeak-ng into the page's recorder. Screenshots of each step are saved under
test-artifacts/ui/ for people to look at.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import REPO, free_port, stop_process

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = REPO / "test-artifacts" / "ui"
CHROMIUM = Path("/usr/bin/chromium")
SPOKEN = (
    "Retrieval augmented generation retrieves relevant chunks from a vector index using embeddings, "
    "and puts them into the prompt so the model can ground its answer."
)
TYPED = (
    "I would start from the data: check for leakage, compare against a simple baseline, and measure "
    "precision and recall on a held-out set before changing the model."
)
#: Generous: the first grade on a cold machine loads the embedding model, the first spoken
#: answer loads Whisper.
STEP_TIMEOUT_MS = 180_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`interviewer serve` in a subprocess; its URL once it answers."""
    if not CHROMIUM.is_file():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    pytest.importorskip("playwright")
    data = tmp_path_factory.mktemp("ui-data")
    port = free_port()
    env = {**os.environ, "INTERVIEWER_DATA_DIR": str(data), "GRADIO_ANALYTICS_ENABLED": "False"}
    env.pop("INTERVIEWER_DB_URL", None)
    log = (tmp_path_factory.mktemp("ui-log") / "serve.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "interviewer", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"interviewer serve exited with {proc.returncode}: see {log.name}")
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("interviewer serve did not answer within 120 s")
                time.sleep(0.5)
        yield url
    finally:
        stop_process(proc, timeout=20)
        log.close()


@pytest.fixture(scope="module")
def answer_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A spoken answer for the fake microphone: 16-bit PCM WAV at 48 kHz, as Chromium wants."""
    if shutil.which("espeak-ng") is None or shutil.which("sox") is None:
        pytest.skip("espeak-ng and sox are needed to make the test recording")
    folder = tmp_path_factory.mktemp("wav")
    raw, wav = folder / "raw.wav", folder / "answer.wav"
    subprocess.run(["espeak-ng", "-w", str(raw), SPOKEN], check=True)
    subprocess.run(["sox", str(raw), "-r", "48000", "-b", "16", "-c", "1", str(wav)], check=True)
    return wav


@pytest.fixture(scope="module")
def browser(answer_wav: Path) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-component-update",
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-audio-capture={answer_wav}",
                "--autoplay-policy=no-user-gesture-required",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 1360, "height": 1000}, accept_downloads=True, permissions=["microphone"]
    )
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    tab.goto(server)
    tab.wait_for_selector("#iv-start")
    yield tab
    context.close()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def start(page: Page, mode: str, questions: int) -> None:
    page.locator("#iv-mode").get_by_label("Voice" if mode == "voice" else "Text").check()
    count = page.locator("#iv-questions input[type=number]")
    count.fill(str(questions))
    count.press("Enter")
    page.click("#iv-start")
    page.wait_for_selector("#iv-question h3", timeout=STEP_TIMEOUT_MS)


def turn_on_screen(page: Page) -> str:
    return page.locator(".iv-progress").get_attribute("data-turn") or ""


def wait_for_next(page: Page, before: str) -> None:
    """Until the turn on screen is no longer ``before``, or the report is shown."""
    page.wait_for_function(
        """(before) => {
            if (document.querySelector('.iv-report-frame')) return true;
            const progress = document.querySelector('.iv-progress');
            return progress && progress.offsetParent !== null && progress.dataset.turn !== before;
        }""",
        arg=before,
        timeout=STEP_TIMEOUT_MS,
    )


def test_text_interview_to_the_report_and_its_pdf(page: Page) -> None:
    from playwright.sync_api import expect

    start(page, "text", 2)
    shot(page, "01-text-question")
    for step in range(12):  # 2 questions, each with at most 2 follow-ups
        if page.locator(".iv-report-frame").count():
            break
        turn = turn_on_screen(page)
        if page.locator("#iv-question").inner_text().startswith("Follow-up"):
            page.click("#iv-skip")
        else:
            page.fill("#iv-answer textarea", TYPED)
            page.click("#iv-submit")
        wait_for_next(page, turn)
        if step == 0:
            shot(page, "02-text-after-first-answer")
    frame = page.frame_locator(".iv-report-frame")
    frame.locator("h1").wait_for()
    assert "report" in frame.locator("h1").inner_text().lower()
    shot(page, "03-report")
    with page.expect_download() as download_info:
        page.click("#iv-pdf")
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes()[:5] == b"%PDF-"

    page.click("button[role=tab]:has-text('History')")
    expect(page.locator("#iv-history")).to_contain_text("completed")
    # One completed interview: its row is listed; the progress chart waits for a second one.
    expect(page.locator("#iv-chart")).to_be_hidden()
    shot(page, "04-history")


def test_spoken_answer_through_the_fake_microphone(page: Page) -> None:
    start(page, "voice", 1)
    # The question is spoken by the server's voice (Piper) into the page's player.
    page.locator("#iv-question-audio a[download$='.wav']").wait_for()
    recorder = page.locator("#iv-recorder")
    recorder.locator("button.record-button").click()
    time.sleep(4)  # push-to-talk: the candidate decides when the answer ends
    recorder.locator("button.stop-button").click()
    heard = page.locator("#iv-heard")
    heard.wait_for(state="visible", timeout=STEP_TIMEOUT_MS)
    transcript = page.locator("#iv-answer textarea").input_value()
    assert "retriev" in transcript.lower(), transcript
    shot(page, "05-voice-review")

    # The candidate corrects the transcript before submitting; the edit is what gets graded.
    page.fill("#iv-answer textarea", transcript + " I would also evaluate retrieval recall.")
    turn = turn_on_screen(page)
    page.click("#iv-submit")
    wait_for_next(page, turn)
    if page.locator(".iv-report-frame").count() == 0:
        assert "evaluate retrieval recall" in page.locator("#iv-chat").inner_text()
        assert "(spoken)" in page.locator("#iv-chat").inner_text()
    shot(page, "06-voice-after-submit")


def test_a_bad_upload_shows_an_error_and_the_interview_goes_on(page: Page, tmp_path: Path) -> None:
    start(page, "voice", 2)
    junk = tmp_path / "answer.wav"
    junk.write_bytes(os.urandom(40_000))
    recorder = page.locator("#iv-recorder")
    recorder.get_by_label("Upload file").click()
    recorder.locator("input[type=file]").set_input_files(str(junk))
    status = page.locator("#iv-status")
    status.get_by_text("could not be used").wait_for(timeout=STEP_TIMEOUT_MS)
    assert "not a readable audio file" in status.inner_text()
    assert "/tmp" not in status.inner_text()  # no server paths in messages
    shot(page, "07-bad-upload")

    # Same question, still open: a typed answer is taken and the interview moves on.
    assert page.locator("#iv-question").inner_text().startswith("Question 1")
    turn = turn_on_screen(page)
    page.fill("#iv-answer textarea", TYPED)
    page.click("#iv-submit")
    wait_for_next(page, turn)
    assert TYPED[:40] in page.locator("#iv-chat").inner_text()

    # Reloading the page loses nothing: History offers the unfinished session and resumes it.
    page.reload()
    page.wait_for_selector("#iv-resume-last", state="visible")
    shot(page, "08-resume-offer")
    page.click("#iv-resume-last")
    page.wait_for_selector("#iv-question h3", timeout=STEP_TIMEOUT_MS)
    assert TYPED[:40] in page.locator("#iv-chat").inner_text()

    # End interview asks first, then wraps up with the report of what was answered.
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#iv-end")
    page.frame_locator(".iv-report-frame").locator("h1").wait_for(timeout=STEP_TIMEOUT_MS)
    shot(page, "09-ended-early-report")


def test_two_candidates_at_once_each_see_only_their_own(browser: Browser, server: str) -> None:
    from playwright.sync_api import expect

    pages = []
    for _ in range(2):
        context = browser.new_context(viewport={"width": 1360, "height": 1000})
        tab = context.new_page()
        tab.set_default_timeout(60_000)
        tab.goto(server)
        tab.wait_for_selector("#iv-start")
        start(tab, "text", 2)
        pages.append(tab)
    turns = [turn_on_screen(tab) for tab in pages]
    for n, tab in enumerate(pages):  # both answers are in the queue together
        tab.fill("#iv-answer textarea", f"{TYPED} Candidate {n}.")
        tab.click("#iv-submit")
    sessions = []
    for n, tab in enumerate(pages):
        wait_for_next(tab, turns[n])
        chat = tab.locator("#iv-chat").inner_text()
        assert f"Candidate {n}." in chat and f"Candidate {1 - n}." not in chat
        tab.click("button[role=tab]:has-text('History')")
        expect(tab.locator("#iv-history")).to_contain_text("unfinished")
        sessions.append(tab.locator("#iv-history tbody tr").count())
    assert sessions == [1, 1]  # each browser lists its own session only
    shot(pages[0], "10-second-candidate-history")
    for tab in pages:
        tab.context.close()
