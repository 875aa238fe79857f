"""Running the browser app: one service for every visitor, a queue in front of the models."""

from __future__ import annotations

import logging
import os
import shutil
from typing import Any

from interviewer.app import build_service
from interviewer.service import InterviewService
from interviewer.settings import Settings
from interviewer.speech import SttConfig
from ui.assets import CSS, HEAD
from ui.context import UiContext, make_context, warm_up

log = logging.getLogger(__name__)

#: Light events (showing history, repeating a question) that may run at once across visitors.
LIGHT_CONCURRENCY = 16
#: Visitors' events that may wait in the queue before new ones are turned away.
QUEUE_SIZE = 200


def create_app(
    settings: Settings,
    auth_enabled: bool = False,
    concurrency: int = 2,
    service: InterviewService | None = None,
    context: UiContext | None = None,
) -> tuple[Any, UiContext]:
    """The queued Gradio app and its context, with the models warming up in the background."""
    # Offline by default: no usage analytics or update checks from Gradio.
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from ui.layout import build_ui

    if context is None:
        context = make_context(service or build_service(settings), settings, auth_enabled=auth_enabled)
    demo = build_ui(context, concurrency=concurrency)
    # Grading and transcription share `concurrency` slots (see ui.layout.MODEL_QUEUE); everything
    # else is light and may run alongside them.
    demo.queue(default_concurrency_limit=LIGHT_CONCURRENCY, max_size=QUEUE_SIZE)
    warm_up(context)
    return demo, context


def launch_options(context: UiContext) -> dict[str, Any]:
    """What ``Blocks.launch`` needs besides host, port and auth."""
    import gradio as gr
    from starlette.middleware import Middleware

    # System fonts: the default theme would fetch its font from the web, and the app is offline.
    fonts = ["ui-sans-serif", "system-ui", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"]
    mono = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]
    theme = gr.themes.Soft(primary_hue="indigo", secondary_hue="slate", font=fonts, font_mono=mono)
    # Refuse oversized uploads at the door, before they are written to disk.
    max_mb = SttConfig.from_mapping(context.settings.stt).max_mb
    return {
        "max_file_size": f"{max_mb:g}mb",
        "theme": theme,
        "css": CSS,
        "head": HEAD,
        # No allowed_paths: the files the page shows (reports, spoken questions) are copied into
        # Gradio's cache under content-hash names. Serving work_dir itself would let any signed-in
        # user fetch another user's report by its predictable path (reports/<session id>/...).
        "app_kwargs": {"middleware": [Middleware(NoDeepLinks)]},
        "footer_links": [],
        "show_error": True,
        "ssr_mode": False,
    }


class NoDeepLinks:
    """Refuses Gradio's deep-link route. Given any tab's session hash, it saves a copy of that
    tab's whole page (answers, report) that anyone signed in can open; the app uses no deep links."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].rstrip("/").endswith("/deep_link"):
            from starlette.responses import PlainTextResponse

            await PlainTextResponse("Not found", status_code=404)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def serve(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int | None = None,
    auth: list[tuple[str, str]] | None = None,
    concurrency: int = 2,
) -> None:
    """Serve the app until interrupted (blocks)."""
    demo, context = create_app(settings, auth_enabled=bool(auth), concurrency=concurrency)
    try:
        demo.launch(
            server_name=host,
            server_port=port,
            auth=auth or None,
            auth_message="Sign in to see your own interviews." if auth else None,
            share=False,
            inbrowser=False,
            quiet=False,
            **launch_options(context),
        )
    finally:
        shutil.rmtree(context.work_dir, ignore_errors=True)
