"""What each control does, as plain functions over the service: no Gradio here, so they are
tested directly. ``layout`` turns their results into page updates and their errors into
messages on the page.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from interviewer.bank import Level, Track
from interviewer.errors import AnswerError, AudioError
from interviewer.service import Step
from interviewer.speech import SpokenAnswer
from ui.context import UiContext
from ui.reports import ReportFiles, render_report
from ui.state import Draft, TabState, Visitor, owned_session
from ui.views import started_epoch

#: Reports progress of a long step: (fraction done, what is happening).
ProgressFn = Callable[[float, str], None]


def _no_progress(_fraction: float, _desc: str) -> None:
    return None


@dataclass(frozen=True)
class Screen:
    """What the interview screen should show after a step."""

    tab: TabState
    #: The session summary once the interview is over (then ``report`` is set too).
    summary: dict[str, object] | None = None
    report: ReportFiles | None = None
    #: The question spoken by the server's voice (voice mode), or None.
    question_audio: str | None = None
    #: Text for the browser to speak when the server has no voice (voice mode), or None.
    speak_text: str | None = None

    @property
    def finished(self) -> bool:
        return self.tab.prompt is None


class Handlers:
    """The app's actions, bound to the shared context."""

    def __init__(self, context: UiContext) -> None:
        self.context = context
        self.service = context.service

    # -- starting and resuming ------------------------------------------------------------------

    def start(
        self,
        person: Visitor,
        track: str,
        level: str,
        questions: int,
        minutes: float | None,
        mode: str,
        progress: ProgressFn = _no_progress,
    ) -> Screen:
        """Start a new interview for ``person``; the session is remembered as theirs."""
        if mode == "voice" and self.context.voice is None:
            raise AnswerError("spoken answers are not available on this server: choose text")
        progress(0.2, "Planning the interview…")
        step = self.service.start(
            Track(track),
            Level(level),
            int(questions),
            minutes=float(minutes) if minutes else None,
            mode=mode,
            candidate=person.candidate,
        )
        person.remember(step.session_id)
        tab = TabState(
            session_id=step.session_id,
            track=track,
            mode=mode,
            started_at=started_epoch(self.service.store.get_session(step.session_id).created_at),
            budget_s=int(float(minutes) * 60) if minutes else None,
        )
        progress(0.7, "Preparing the first question…")
        return self._screen(tab, step)

    def resume(self, person: Visitor, session_id: str, progress: ProgressFn = _no_progress) -> Screen:
        """Open one of ``person``'s sessions where it stands (a finished one shows its report)."""
        record = owned_session(self.service.store, person, session_id)
        progress(0.3, "Loading the session…")
        step = self.service.current(record.id)
        mode = record.mode if record.mode == "voice" and self.context.voice is not None else "text"
        tab = TabState(
            session_id=record.id,
            track=record.track,
            mode=mode,
            started_at=started_epoch(record.created_at),
            budget_s=self._budget_s(record.id),
        )
        return self._screen(tab, step)

    # -- answering ------------------------------------------------------------------------------

    def submit(self, tab: TabState, person: Visitor, text: str, progress: ProgressFn = _no_progress) -> Screen:
        """Submit the typed answer, or the reviewed transcript of the recorded one."""
        self._check_pending(tab, person)
        assert tab.session_id is not None and tab.prompt is not None
        draft = tab.draft if tab.draft is not None and tab.draft.turn == tab.prompt["turn"] else None
        progress(0.2, f"Saving and grading your answer ({self.service.judge.provider})…")
        if draft is None:
            step = self.service.answer(tab.session_id, text)
        else:
            # Clean the text first so an empty edit fails before the audio is copied.
            if not text.strip():
                raise AnswerError("the answer is empty: record again, or type an answer and submit")
            audio_ref = self._keep_audio(tab.session_id, tab.prompt["turn"], draft.audio_path)
            step = self.service.answer(
                tab.session_id, text, audio_ref=audio_ref, transcript_raw=draft.transcript_raw, delivery=draft.delivery
            )
        progress(0.8, "Preparing the next question…")
        return self._screen(replace(tab, draft=None), step)

    def skip(self, tab: TabState, person: Visitor, progress: ProgressFn = _no_progress) -> Screen:
        """Skip the pending question: stored as skipped, scored 0, no follow-up."""
        self._check_pending(tab, person)
        assert tab.session_id is not None
        progress(0.3, "Skipping…")
        return self._screen(replace(tab, draft=None), self.service.skip(tab.session_id))

    def end(self, tab: TabState, person: Visitor, progress: ProgressFn = _no_progress) -> Screen:
        """End the interview now and show the report of what was answered."""
        if tab.session_id is None:
            raise AnswerError("no interview is running")
        owned_session(self.service.store, person, tab.session_id)
        progress(0.3, "Wrapping up…")
        return self._screen(replace(tab, draft=None), self.service.end(tab.session_id))

    def repeat(self, tab: TabState) -> Screen:
        """The current question again (spoken again in voice mode)."""
        if not tab.active:
            raise AnswerError("no question is waiting for an answer")
        return self._with_speech(tab)

    def transcribe(
        self, tab: TabState, person: Visitor, audio_path: str, progress: ProgressFn = _no_progress
    ) -> tuple[TabState, SpokenAnswer]:
        """Transcribe a recording for review; the draft is kept until it is submitted.

        AudioError for an unusable recording: nothing is stored and the question stays open.
        """
        self._check_pending(tab, person)
        assert tab.prompt is not None
        if self.context.voice is None:
            raise AudioError("spoken answers are not available on this server: type your answer")
        if not audio_path:
            raise AudioError("no recording arrived: record again or upload a file")
        progress(0.2, "Transcribing your answer…")
        spoken = self.context.voice.transcribe(audio_path, tab.track, tab.prompt["question_id"])
        draft = Draft(
            turn=tab.prompt["turn"],
            audio_path=audio_path,
            transcript_raw=spoken.transcript.text,
            delivery=spoken.delivery,
        )
        return replace(tab, draft=draft), spoken

    def report(self, person: Visitor, session_id: str) -> ReportFiles:
        """The report of one of ``person``'s sessions."""
        record = owned_session(self.service.store, person, session_id)
        return render_report(self.service, record.id, self.context.work_dir)

    # -- internals ------------------------------------------------------------------------------

    def _check_pending(self, tab: TabState, person: Visitor) -> None:
        if not tab.active:
            raise AnswerError("no question is waiting for an answer: start or resume an interview")
        assert tab.session_id is not None and tab.prompt is not None
        owned_session(self.service.store, person, tab.session_id)
        current = self.service.current(tab.session_id)
        if current.prompt is None or current.prompt["turn"] != tab.prompt["turn"]:
            # Answered in another tab meanwhile: never attach this answer to a different question.
            raise AnswerError("this question was already answered elsewhere: open the session again from History")

    def _screen(self, tab: TabState, step: Step) -> Screen:
        tab = replace(tab, prompt=step.prompt)
        if step.finished:
            assert tab.session_id is not None
            report = render_report(self.service, tab.session_id, self.context.work_dir)
            return Screen(tab=tab, summary=step.summary or {}, report=report)
        return self._with_speech(tab)

    def _with_speech(self, tab: TabState) -> Screen:
        if tab.mode != "voice" or tab.prompt is None:
            return Screen(tab=tab)
        text = tab.prompt["prompt"]
        voice = self.context.voice
        audio = voice.speak(text) if voice is not None else None
        if audio is None:
            return Screen(tab=tab, speak_text=text)
        return Screen(tab=tab, question_audio=str(audio))

    def _keep_audio(self, session_id: str, turn: int, source: str) -> str:
        """Copy the recording beside the database (Gradio's upload cache is temporary)."""
        folder = self.context.audio_dir(session_id)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"turn-{turn:03d}{Path(source).suffix or '.wav'}"
        shutil.copyfile(source, target)
        return str(target)

    def _budget_s(self, session_id: str) -> int | None:
        # The budget lives in the interview's checkpointed state, not in the session row.
        values = self.service.graph.get_state({"configurable": {"thread_id": session_id}}).values or {}
        budget = values.get("session_budget_s")
        return int(budget) if budget else None
