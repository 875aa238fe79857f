"""The page: setup, interview, report and history, and which event updates what."""

from __future__ import annotations

from dataclasses import dataclass, fields

import gradio as gr

from interviewer.bank import Level, Track
from ui.context import UiContext
from ui.history import COLUMNS
from ui.state import TabState
from ui.views import setup_intro
from ui.voice import COLOR_MAP

#: Track choices as the setup screen names them.
TRACK_LABELS = {
    Track.LLM_APP: "LLM applications (RAG, prompting, evals)",
    Track.CLASSICAL_ML: "Classical ML (trees, calibration, experiments)",
    Track.AGENTS: "Agents (tools, memory, planning, safety)",
    Track.ML_INFRA: "ML infrastructure (serving, KV cache, quantization)",
    Track.MULTIMODAL: "Multimodal (VLMs, CLIP, document AI, audio)",
    Track.CORE: "Core (fundamentals, system design, behavioral)",
}
#: Events that load or run models (grading, transcription) share one queue slot pool.
MODEL_QUEUE = "models"


@dataclass
class Page:
    """Every component the events read or update."""

    tab_state: gr.State
    browser: gr.BrowserState
    tabs: gr.Tabs
    user_line: gr.Markdown
    # setup
    setup_panel: gr.Column
    intro: gr.Markdown
    resume_row: gr.Row
    resume_note: gr.Markdown
    resume_last_btn: gr.Button
    track: gr.Dropdown
    level: gr.Radio
    questions: gr.Slider
    minutes: gr.Number
    mode: gr.Radio
    start_btn: gr.Button
    # interview
    interview_panel: gr.Column
    progress: gr.HTML
    question: gr.Markdown
    question_audio: gr.Audio
    voice_group: gr.Group
    recorder: gr.Audio
    heard: gr.HighlightedText
    answer: gr.Textbox
    status: gr.Markdown
    submit_btn: gr.Button
    skip_btn: gr.Button
    repeat_btn: gr.Button
    end_btn: gr.Button
    chat: gr.Chatbot
    speak: gr.Textbox
    confirm_end: gr.Checkbox
    # finished
    done_panel: gr.Column
    done: gr.Markdown
    again_btn: gr.Button
    # report
    report_html: gr.HTML
    pdf_btn: gr.DownloadButton
    md_btn: gr.DownloadButton
    json_btn: gr.DownloadButton
    # history
    history_tab: gr.Tab
    history_table: gr.Dataframe
    picker: gr.Dropdown
    open_btn: gr.Button
    report_btn: gr.Button
    chart: gr.LinePlot

    def all(self) -> list[gr.components.Component]:
        return [getattr(self, f.name) for f in fields(self)]


def build_ui(context: UiContext, concurrency: int = 2) -> gr.Blocks:
    """The app's Blocks. ``concurrency``: how many model-heavy events (grading, transcribing)
    run at once across all visitors; the rest wait in the queue with a progress indicator."""
    from ui import events  # after gradio: events imports the Page type from here

    with gr.Blocks(title="Mock interviewer", analytics_enabled=False, fill_width=True) as demo:
        page = _components(context)
        events.wire(demo, page, context, concurrency)
    return demo


def _components(context: UiContext) -> Page:
    voice_ok = context.voice is not None
    tab_state = gr.State(TabState())
    browser = gr.BrowserState({"sessions": []}, storage_key="mock-interviewer", secret=context.browser_secret)
    with gr.Row(equal_height=True):
        gr.Markdown(
            "# Mock interviewer\nPractice AI/ML engineering interviews, graded against written rubrics, offline.",
            elem_id="iv-header",
        )
        # Filled in on page load when the server asks for a login.
        user_line = gr.Markdown(elem_id="iv-user", visible=context.auth_enabled)
    # Hidden: text for the browser to speak when the server has no voice.
    speak = gr.Textbox(visible=False, elem_id="iv-speak")
    # Hidden: whether the candidate confirmed "End interview" (set by the button's script).
    confirm_end = gr.Checkbox(visible=False, elem_id="iv-confirm-end")
    with gr.Tabs(selected="interview") as tabs:
        with gr.Tab("Interview", id="interview"):
            with gr.Column(visible=True) as setup_panel:
                intro = gr.Markdown(
                    setup_intro(context.judge_label, context.voice.engine_label if context.voice else None),
                    elem_id="iv-intro",
                )
                with gr.Row(visible=False, elem_classes="iv-banner") as resume_row:
                    resume_note = gr.Markdown()
                    resume_last_btn = gr.Button(
                        "Resume it", size="sm", scale=0, min_width=140, variant="primary", elem_id="iv-resume-last"
                    )
                with gr.Row():
                    track = gr.Dropdown(
                        [(label, t.value) for t, label in TRACK_LABELS.items()],
                        value=Track.LLM_APP.value,
                        label="Track",
                        elem_id="iv-track",
                    )
                    level = gr.Radio(
                        [lv.value for lv in Level], value=Level.MID.value, label="Level", elem_id="iv-level"
                    )
                with gr.Row():
                    questions = gr.Slider(1, 15, value=5, step=1, label="Questions", elem_id="iv-questions")
                    minutes = gr.Number(
                        value=0, minimum=0, maximum=180, label="Time budget in minutes (0: none)", elem_id="iv-minutes"
                    )
                    mode = gr.Radio(
                        [("Voice", "voice"), ("Text", "text")] if voice_ok else [("Text", "text")],
                        value="voice" if voice_ok else "text",
                        label="Answer by",
                        elem_id="iv-mode",
                    )
                start_btn = gr.Button("Start interview", variant="primary", elem_id="iv-start")
            with gr.Column(visible=False) as interview_panel:
                progress = gr.HTML(elem_id="iv-progress")
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        question = gr.Markdown(elem_id="iv-question")
                        question_audio = gr.Audio(
                            label="The question, spoken",
                            autoplay=True,
                            interactive=False,
                            visible=False,
                            elem_id="iv-question-audio",
                        )
                        with gr.Group(visible=False) as voice_group:
                            recorder = gr.Audio(
                                sources=["microphone", "upload"],
                                type="filepath",
                                label="Your spoken answer: record, stop when you are done, then check the text below",
                                elem_id="iv-recorder",
                            )
                            heard = gr.HighlightedText(
                                label="What we heard (highlighted: words to check)",
                                color_map=COLOR_MAP,
                                visible=False,
                                elem_id="iv-heard",
                            )
                        status = gr.Markdown(elem_id="iv-status")
                        answer = gr.Textbox(
                            lines=8, max_lines=20, label="Your answer", elem_id="iv-answer", max_length=20_000
                        )
                        with gr.Row():
                            submit_btn = gr.Button("Submit answer", variant="primary", size="md", elem_id="iv-submit")
                            skip_btn = gr.Button("Skip question", size="md", elem_id="iv-skip")
                            repeat_btn = gr.Button("Repeat question", size="md", elem_id="iv-repeat")
                            end_btn = gr.Button("End interview", variant="stop", size="md", elem_id="iv-end")
                    with gr.Column(scale=2):
                        chat = gr.Chatbot(
                            label="Conversation",
                            show_label=False,
                            height=560,
                            elem_id="iv-chat",
                            buttons=[],
                            group_consecutive_messages=False,
                            placeholder="The conversation appears here.",
                        )
            with gr.Column(visible=False) as done_panel:
                done = gr.Markdown(elem_id="iv-done")
                again_btn = gr.Button("Start another interview", variant="primary", elem_id="iv-again")
        with gr.Tab("Report", id="report"):
            with gr.Row():
                pdf_btn = gr.DownloadButton(
                    "Download PDF", visible=False, elem_id="iv-pdf", variant="primary", size="md"
                )
                md_btn = gr.DownloadButton("Download Markdown", visible=False, elem_id="iv-md", size="md")
                json_btn = gr.DownloadButton("Download JSON", visible=False, elem_id="iv-json", size="md")
            report_html = gr.HTML('<p class="iv-empty">Finish an interview, or open one from History.</p>')
        with gr.Tab("History", id="history") as history_tab:
            history_table = gr.Dataframe(headers=COLUMNS, interactive=False, elem_id="iv-history", wrap=True)
            with gr.Row():
                picker = gr.Dropdown([], label="Session", scale=3, elem_id="iv-picker")
                open_btn = gr.Button("Resume / open", scale=1, elem_id="iv-open")
                report_btn = gr.Button("Show report", scale=1, elem_id="iv-show-report")
            chart = gr.LinePlot(
                x="date",
                y="score",
                color="track",
                y_lim=[0, 100],
                title="Overall score by session",
                elem_id="iv-chart",
                visible=False,
            )
    return Page(
        tab_state=tab_state,
        browser=browser,
        tabs=tabs,
        user_line=user_line,
        setup_panel=setup_panel,
        intro=intro,
        resume_row=resume_row,
        resume_note=resume_note,
        resume_last_btn=resume_last_btn,
        track=track,
        level=level,
        questions=questions,
        minutes=minutes,
        mode=mode,
        start_btn=start_btn,
        interview_panel=interview_panel,
        progress=progress,
        question=question,
        question_audio=question_audio,
        voice_group=voice_group,
        recorder=recorder,
        heard=heard,
        answer=answer,
        status=status,
        submit_btn=submit_btn,
        skip_btn=skip_btn,
        repeat_btn=repeat_btn,
        end_btn=end_btn,
        chat=chat,
        speak=speak,
        confirm_end=confirm_end,
        done_panel=done_panel,
        done=done,
        again_btn=again_btn,
        report_html=report_html,
        pdf_btn=pdf_btn,
        md_btn=md_btn,
        json_btn=json_btn,
        history_tab=history_tab,
        history_table=history_table,
        picker=picker,
        open_btn=open_btn,
        report_btn=report_btn,
        chart=chart,
    )


__all__ = ["MODEL_QUEUE", "Page", "build_ui"]
