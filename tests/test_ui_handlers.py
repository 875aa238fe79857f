"""The browser app's handlers without a browser: isolation, skip, end, voice review, reports."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from interviewer.bank import Bank
from interviewer.errors import AnswerError, AudioError, SessionNotFound
from interviewer.judge.rubric_judge import RubricJudge
from interviewer.service import SKIPPED_ANSWER, InterviewService, open_checkpointer
from interviewer.settings import Settings
from interviewer.speech import Flag, FlagReason, SpokenAnswer, Transcript, Word
from interviewer.speech.analytics import delivery_metrics
from interviewer.storage import SessionStore, sqlite_url
from ui.context import make_context
from ui.handlers import Handlers
from ui.history import history_view
from ui.state import Visitor
from ui.views import clock_text, conversation, question_markdown
from ui.voice import VoiceSupport, highlighted_words

GOOD = (
    "Retrieval augmented generation embeds the documents, retrieves the most similar chunks from a "
    "vector index and puts them in the prompt, so the model grounds its answer; I would evaluate "
    "retrieval recall and answer faithfulness on a golden set."
)


@pytest.fixture(scope="module")
def judge() -> RubricJudge:
    return RubricJudge()


@pytest.fixture
def handlers(tmp_path: Path, shipped_bank: Bank, judge: RubricJudge) -> Handlers:
    settings = Settings(data_dir=tmp_path / "data")
    store = SessionStore(sqlite_url(tmp_path / "interviewer.db"))
    service = InterviewService(shipped_bank, judge, store, open_checkpointer(str(tmp_path / "checkpoints.db")))
    voice = VoiceSupport.from_settings(settings, shipped_bank, tmp_path / "tts")
    context = make_context(service, settings, voice=voice)
    yield Handlers(context)
    shutil.rmtree(context.work_dir, ignore_errors=True)


def test_anonymous_visitors_see_only_their_own_sessions(handlers: Handlers) -> None:
    alice, bob = Visitor(), Visitor()
    screen = handlers.start(alice, "llm-app", "mid", 2, None, "text")
    session_id = screen.tab.session_id
    assert session_id in alice.owned and bob.owned == []
    assert [row[-1] for row in history_view(handlers.service.store, alice).rows] == [session_id]
    assert history_view(handlers.service.store, bob).rows == []
    with pytest.raises(SessionNotFound):
        handlers.resume(bob, session_id)
    with pytest.raises(SessionNotFound):
        handlers.submit(screen.tab, bob, "my answer")  # Bob holding Alice's tab state changes nothing
    assert handlers.service.store.turns(session_id)[0].answer_text is None
    # Alice's own resume brings back the same pending question.
    assert handlers.resume(alice, session_id).tab.prompt == screen.tab.prompt


def test_logged_in_users_own_sessions_by_name(handlers: Handlers) -> None:
    carol = Visitor(username="carol")
    screen = handlers.start(carol, "agents", "junior", 1, None, "text")
    record = handlers.service.store.get_session(screen.tab.session_id)
    assert record.candidate == "carol"
    # A new browser of the same user (nothing in local storage) still sees it; another user does not.
    assert [r[-1] for r in history_view(handlers.service.store, Visitor(username="carol")).rows] == [record.id]
    assert history_view(handlers.service.store, Visitor(username="dave", owned=[record.id])).rows == []


def test_progress_chart_has_one_point_per_completed_session(handlers: Handlers) -> None:
    person = Visitor()
    for _ in range(2):
        screen = handlers.start(person, "llm-app", "junior", 1, None, "text")
        handlers.end(handlers.submit(screen.tab, person, GOOD).tab, person)
    screen = handlers.start(person, "agents", "junior", 1, None, "text")
    handlers.end(screen.tab, person)  # ended before any answer: listed, but no score to chart
    handlers.start(person, "agents", "junior", 1, None, "text")  # unfinished: listed, not charted
    view = history_view(handlers.service.store, person)
    assert len(view.rows) == 4 and view.unfinished == person.owned[-1]
    assert list(view.progress.columns) == ["date", "score", "track"] and len(view.progress) == 2
    assert view.progress["date"].is_monotonic_increasing


def test_skip_scores_zero_without_follow_up_and_end_reports(handlers: Handlers) -> None:
    person = Visitor()
    screen = handlers.start(person, "llm-app", "mid", 3, None, "text")
    first = screen.tab.prompt
    screen = handlers.skip(screen.tab, person)
    assert screen.tab.prompt["kind"] == "main" and screen.tab.prompt["number"] == 2
    session_id = screen.tab.session_id
    skipped = handlers.service.store.turns(session_id)[0]
    assert skipped.answer_text == SKIPPED_ANSWER and skipped.question_id == first["question_id"]
    assert handlers.service.store.grade_for(session_id, 0).overall == 0
    assert "_(skipped)_" in [m["content"] for m in conversation(handlers.service, session_id)]

    screen = handlers.submit(screen.tab, person, GOOD)
    screen = handlers.end(screen.tab, person)
    assert screen.finished and screen.summary["ended_early"] is True
    assert screen.summary["questions"] == 2  # the skipped one and the answered one
    report = screen.report
    assert report.pdf.read_bytes().startswith(b"%PDF")
    assert report.markdown.read_text().strip() and report.json.read_text().startswith("{")
    assert "<iframe" in report.html and "srcdoc=" in report.html
    with pytest.raises(AnswerError):
        handlers.submit(screen.tab, person, "too late")  # a finished interview takes no answers


def test_a_stale_tab_cannot_answer_a_question_answered_elsewhere(handlers: Handlers) -> None:
    person = Visitor()
    screen = handlers.start(person, "llm-app", "mid", 2, None, "text")
    handlers.submit(screen.tab, person, GOOD)  # answered in "another tab"
    with pytest.raises(AnswerError, match="already answered"):
        handlers.submit(screen.tab, person, "the same question again")


def test_bad_audio_is_refused_and_the_question_stays_open(handlers: Handlers, tmp_path: Path) -> None:
    person = Visitor()
    screen = handlers.start(person, "llm-app", "mid", 2, None, "voice")
    junk = tmp_path / "answer.wav"
    junk.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(AudioError):
        handlers.transcribe(screen.tab, person, str(junk))
    turns = handlers.service.store.turns(screen.tab.session_id)
    assert [t.answer_text for t in turns] == [None]
    # The session carries on: a typed answer is still taken.
    assert handlers.submit(screen.tab, person, GOOD).tab.prompt is not None


def test_flagged_words_are_highlighted_and_nothing_else() -> None:
    words = (Word(0.0, 0.4, " The"), Word(0.4, 0.9, " KV"), Word(0.9, 1.3, " cash"), Word(1.3, 1.8, " grows."))
    transcript = Transcript(" The KV cash grows.", words, "en", 2.0, "faster-whisper", "tiny.en")
    flag = Flag(start=1, end=3, heard="KV cash", reason=FlagReason.NEAR_TERM, suggestion="KV cache")
    spoken = SpokenAnswer(transcript, (flag,), delivery_metrics(words, 2.0))
    pieces = highlighted_words(spoken)
    assert pieces == [(" The", None), (" ", None), ("KV cash", "did you mean KV cache?"), (" grows.", None)]


def test_follow_up_label_never_shows_the_key_point_statement(handlers: Handlers) -> None:
    person = Visitor()
    screen = handlers.start(person, "llm-app", "mid", 1, None, "text")
    screen = handlers.submit(screen.tab, person, "I am not sure, I would look it up.")
    prompt = screen.tab.prompt
    assert prompt is not None and prompt["kind"] == "follow-up"
    shown = question_markdown(prompt)
    assert prompt["gap_about"] not in shown


@pytest.mark.slow
def test_a_spoken_answer_is_transcribed_for_review_and_stored_with_its_audio(handlers: Handlers, tmp_path) -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    wav = tmp_path / "spoken.wav"
    subprocess.run(["espeak-ng", "-w", str(wav), GOOD], check=True)
    person = Visitor()
    screen = handlers.start(person, "llm-app", "mid", 1, None, "voice")
    tab, spoken = handlers.transcribe(screen.tab, person, str(wav))
    assert "retriev" in spoken.transcript.text.lower() and tab.draft is not None
    edited = spoken.transcript.text + " (edited)"
    handlers.submit(tab, person, edited)
    turn = handlers.service.store.turns(tab.session_id)[0]
    assert turn.answer_text == edited and turn.transcript_raw == spoken.transcript.text
    assert turn.delivery_json and Path(turn.audio_ref).is_file()
    assert Path(turn.audio_ref).parent == handlers.context.audio_dir(tab.session_id)


def test_without_a_server_voice_the_browser_speaks_the_question(handlers: Handlers, monkeypatch) -> None:
    person = Visitor()
    monkeypatch.setattr(handlers.context.voice, "speak", lambda text: None)  # Piper unavailable
    screen = handlers.start(person, "llm-app", "mid", 1, None, "voice")
    assert screen.question_audio is None and screen.speak_text == screen.tab.prompt["prompt"]
    assert handlers.repeat(screen.tab).speak_text == screen.tab.prompt["prompt"]
    # Text mode never speaks.
    text = handlers.start(person, "llm-app", "mid", 1, None, "text")
    assert text.question_audio is None and text.speak_text is None


def test_the_clock_counts_from_the_session_start() -> None:
    assert clock_text(100.0, None, now=175.0) == "1:15 elapsed"
    assert clock_text(100.0, 600, now=175.0) == "1:15 of 10:00"
    assert clock_text(0.0, None, now=3 * 3600 + 62) == "3:01:02 elapsed"


def test_only_ids_signed_by_this_server_open_anything() -> None:
    # The API takes any JSON as the browser value: an id typed or guessed into it must count for nothing.
    from ui.state import browser_value, visitor

    signed = browser_value(Visitor(owned=["abc123"]), "server-key")
    assert visitor(None, signed, "server-key").owned == ["abc123"]
    assert visitor(None, {"sessions": ["abc123"]}, "server-key").owned == []
    assert visitor(None, signed, "another-server").owned == []
    forged = {"sessions": [signed["sessions"][0].replace("abc123", "abc124")]}
    assert visitor(None, forged, "server-key").owned == []
