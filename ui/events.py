"""Gradio callbacks: read the page, call a handler, turn the result into page updates.

User-facing errors (``InterviewerError``) become an error message in the page and change
nothing else, so the interview carries on; an unusable recording is reported beside the
recorder and the question stays open.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

import gradio as gr

from interviewer.errors import AudioError, InterviewerError
from ui.assets import CONFIRM_END_JS, SPEAK_JS
from ui.context import UiContext
from ui.handlers import Handlers, ProgressFn, Screen
from ui.history import history_view
from ui.layout import MODEL_QUEUE, Page
from ui.reports import ReportFiles
from ui.state import TabState, Visitor, browser_value, visitor
from ui.views import conversation, finished_markdown, progress_html, question_markdown
from ui.voice import color_map_for, highlighted_words

T = TypeVar("T")
Updates = dict[Any, Any]
#: Gradio injects a progress tracker into a callback whose parameter defaults to one.
PROGRESS = gr.Progress()

ANSWER_LABELS = {
    "text": "Your answer",
    "voice": "Your answer: the transcript appears here; correct it (or type) before submitting",
}


def wire(demo: gr.Blocks, page: Page, context: UiContext, concurrency: int) -> None:
    """Connect every control of ``page`` to its handler."""
    handlers = Handlers(context)
    service = context.service
    step_outputs = [
        page.tab_state,
        page.browser,
        page.tabs,
        page.setup_panel,
        page.interview_panel,
        page.done_panel,
        page.progress,
        page.question,
        page.question_audio,
        page.voice_group,
        page.recorder,
        page.heard,
        page.answer,
        page.status,
        page.chat,
        page.speak,
        page.done,
        page.report_html,
        page.pdf_btn,
        page.md_btn,
        page.json_btn,
    ]
    history_outputs = [page.history_table, page.picker, page.chart, page.resume_row, page.resume_note]
    heavy: dict[str, Any] = {"concurrency_id": MODEL_QUEUE, "concurrency_limit": concurrency}

    def step_updates(screen: Screen, person: Visitor, clear_answer: bool = True) -> Updates:
        tab = screen.tab
        updates: Updates = {
            page.tab_state: tab,
            page.browser: browser_value(person, context.browser_secret),
            page.status: "",
            page.recorder: None,
            page.heard: gr.update(value=None, visible=False),
        }
        if screen.finished:
            assert tab.session_id is not None and screen.report is not None
            updates |= {
                page.tabs: gr.Tabs(selected="report"),
                page.setup_panel: gr.update(visible=False),
                page.interview_panel: gr.update(visible=False),
                page.done_panel: gr.update(visible=True),
                page.done: finished_markdown(screen.summary, tab.session_id),
                page.question_audio: gr.update(value=None, visible=False),
            }
            return updates | report_updates(screen.report)
        assert tab.session_id is not None
        updates |= {
            page.tabs: gr.Tabs(selected="interview"),
            page.setup_panel: gr.update(visible=False),
            page.interview_panel: gr.update(visible=True),
            page.done_panel: gr.update(visible=False),
            page.progress: progress_html(tab.prompt, tab.started_at, tab.budget_s),
            page.question: question_markdown(tab.prompt),
            page.question_audio: gr.update(value=screen.question_audio, visible=screen.question_audio is not None),
            page.voice_group: gr.update(visible=tab.mode == "voice"),
            # Opening a session leaves the box alone: after a server restart it may hold an answer
            # typed but never saved, which the candidate can now submit.
            page.answer: gr.update(label=ANSWER_LABELS.get(tab.mode, ANSWER_LABELS["text"]))
            | ({"value": ""} if clear_answer else {}),
            page.chat: conversation(service, tab.session_id),
        }
        if screen.speak_text:
            updates[page.speak] = f"{time.time()}|{screen.speak_text}"
        return updates

    def report_updates(report: ReportFiles) -> Updates:
        return {
            page.report_html: report.html,
            page.pdf_btn: gr.update(value=str(report.pdf), visible=True),
            page.md_btn: gr.update(value=str(report.markdown), visible=True),
            page.json_btn: gr.update(value=str(report.json), visible=True),
        }

    # -- setup --------------------------------------------------------------------------------------

    def on_start(
        browser: Any,
        track: str,
        level: str,
        questions: float,
        minutes: float | None,
        mode: str,
        request: gr.Request,
        progress: gr.Progress = PROGRESS,
    ) -> Updates:
        person = visitor(request, browser, context.browser_secret)
        screen = _user_errors(
            lambda: handlers.start(person, track, level, int(questions), minutes, mode, _progress(progress))
        )
        return step_updates(screen, person)

    def on_open(browser: Any, session_id: str | None, request: gr.Request, progress: gr.Progress = PROGRESS) -> Updates:
        person = visitor(request, browser, context.browser_secret)
        if not session_id:
            raise gr.Error("Pick a session first.", print_exception=False)
        screen = _user_errors(lambda: handlers.resume(person, session_id, _progress(progress)))
        return step_updates(screen, person, clear_answer=False)

    def on_resume_last(browser: Any, request: gr.Request, progress: gr.Progress = PROGRESS) -> Updates:
        person = visitor(request, browser, context.browser_secret)
        unfinished = history_view(service.store, person).unfinished
        return on_open(browser, unfinished, request, progress)

    def on_again() -> Updates:
        return {
            page.tab_state: TabState(),
            page.tabs: gr.Tabs(selected="interview"),
            page.setup_panel: gr.update(visible=True),
            page.interview_panel: gr.update(visible=False),
            page.done_panel: gr.update(visible=False),
        }

    # -- the interview ------------------------------------------------------------------------------

    def on_submit(
        tab: TabState, browser: Any, text: str, request: gr.Request, progress: gr.Progress = PROGRESS
    ) -> Updates:
        person = visitor(request, browser, context.browser_secret)
        return step_updates(_user_errors(lambda: handlers.submit(tab, person, text or "", _progress(progress))), person)

    def on_skip(tab: TabState, browser: Any, request: gr.Request, progress: gr.Progress = PROGRESS) -> Updates:
        person = visitor(request, browser, context.browser_secret)
        return step_updates(_user_errors(lambda: handlers.skip(tab, person, _progress(progress))), person)

    def on_end(
        tab: TabState,
        browser: Any,
        confirmed: bool,
        request: gr.Request,
        progress: gr.Progress = PROGRESS,
    ) -> Updates:
        if not confirmed:
            return {}
        person = visitor(request, browser, context.browser_secret)
        return step_updates(_user_errors(lambda: handlers.end(tab, person, _progress(progress))), person)

    def on_repeat(tab: TabState) -> Updates:
        screen = _user_errors(lambda: handlers.repeat(tab))
        updates: Updates = {page.question: question_markdown(tab.prompt)}
        if screen.speak_text:
            updates[page.speak] = f"{time.time()}|{screen.speak_text}"
        if screen.question_audio:
            # Emptied first (below), the player takes the same file as new and autoplays it again.
            updates[page.question_audio] = gr.update(value=screen.question_audio, visible=True)
        return updates

    def on_recording(
        tab: TabState,
        browser: Any,
        audio_path: str | None,
        request: gr.Request,
        progress: gr.Progress = PROGRESS,
    ) -> Updates:
        if not audio_path:
            return {}
        person = visitor(request, browser, context.browser_secret)
        try:
            new_tab, spoken = handlers.transcribe(tab, person, audio_path, _progress(progress))
        except AudioError as exc:
            # The recording is unusable: say why, beside the recorder; the question stays open.
            gr.Warning(str(exc), title="Recording not usable")
            return {
                page.tab_state: replace(tab, draft=None),
                page.status: f"⚠ **The recording could not be used:** {exc}. Record again, upload another file, or type your answer.",
                page.recorder: None,
                page.heard: gr.update(value=None, visible=False),
            }
        except InterviewerError as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        pieces = highlighted_words(spoken)
        flagged = len(spoken.flags)
        note = (
            f"Transcribed. **Check the {flagged} highlighted part(s)**, correct the text below if needed, then submit."
            if flagged
            else "Transcribed. Correct anything misheard in the text below, then submit."
        )
        return {
            page.tab_state: new_tab,
            page.heard: gr.update(value=pieces, color_map=color_map_for(pieces), visible=True),
            page.answer: spoken.transcript.text,
            page.status: note,
        }

    # -- report and history -------------------------------------------------------------------------

    def on_report(browser: Any, session_id: str | None, request: gr.Request) -> Updates:
        person = visitor(request, browser, context.browser_secret)
        if not session_id:
            raise gr.Error("Pick a session first.", print_exception=False)
        report = _user_errors(lambda: handlers.report(person, session_id))
        return {page.tabs: gr.Tabs(selected="report")} | report_updates(report)

    def on_history(browser: Any, request: gr.Request) -> Updates:
        view = history_view(service.store, visitor(request, browser, context.browser_secret))
        note = "You have an unfinished interview. Every answer you gave is saved." if view.unfinished else ""
        return {
            page.history_table: view.rows,
            page.picker: gr.update(choices=view.choices, value=view.choices[0][1] if view.choices else None),
            # One point makes no line: the chart appears from the second completed interview on.
            page.chart: gr.update(value=view.progress, visible=len(view.progress) >= 2),
            page.resume_row: gr.update(visible=view.unfinished is not None),
            page.resume_note: note,
        }

    def on_user(request: gr.Request) -> str:
        name = getattr(request, "username", None) or ""
        return f"Signed in as **{_escape_md(name)}** · [Sign out](logout)" if name else ""

    refresh: dict[str, Any] = {"fn": on_history, "inputs": [page.browser], "outputs": history_outputs}
    page.start_btn.click(
        on_start,
        [page.browser, page.track, page.level, page.questions, page.minutes, page.mode],
        step_outputs,
        concurrency_limit=concurrency * 2,
    ).then(**refresh)
    page.submit_btn.click(on_submit, [page.tab_state, page.browser, page.answer], step_outputs, **heavy).then(**refresh)
    page.skip_btn.click(on_skip, [page.tab_state, page.browser], step_outputs, **heavy).then(**refresh)
    page.end_btn.click(
        on_end, [page.tab_state, page.browser, page.confirm_end], step_outputs, js=CONFIRM_END_JS, **heavy
    ).then(**refresh)
    page.open_btn.click(on_open, [page.browser, page.picker], step_outputs, **heavy).then(**refresh)
    page.resume_last_btn.click(on_resume_last, [page.browser], step_outputs, **heavy).then(**refresh)
    page.again_btn.click(
        on_again, None, [page.tab_state, page.tabs, page.setup_panel, page.interview_panel, page.done_panel]
    ).then(**refresh)
    page.report_btn.click(
        on_report,
        [page.browser, page.picker],
        [page.tabs, page.report_html, page.pdf_btn, page.md_btn, page.json_btn],
        **heavy,
    )
    page.repeat_btn.click(lambda: None, None, page.question_audio, queue=False).then(
        on_repeat, [page.tab_state], [page.question, page.speak, page.question_audio]
    )
    recording_io = (
        [page.tab_state, page.browser, page.recorder],
        [page.tab_state, page.heard, page.answer, page.status, page.recorder],
    )
    page.recorder.stop_recording(on_recording, *recording_io, **heavy)
    page.recorder.upload(on_recording, *recording_io, **heavy)
    page.speak.change(None, [page.speak], None, js=SPEAK_JS)
    page.history_tab.select(**refresh)
    demo.load(**refresh)
    if context.auth_enabled:
        demo.load(on_user, None, page.user_line)


def _user_errors(action: Callable[[], T]) -> T:
    """Run ``action``; a user-facing error becomes a message in the page (nothing else changes)."""
    try:
        return action()
    except InterviewerError as exc:
        raise gr.Error(str(exc), print_exception=False) from None


def _escape_md(text: str) -> str:
    """A user name as literal Markdown text."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()#+-.!<>|" else ch for ch in text)


def _progress(progress: gr.Progress) -> ProgressFn:
    return lambda fraction, desc: progress(fraction, desc=desc)
