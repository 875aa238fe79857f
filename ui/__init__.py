"""The browser app (``interviewer serve``): a Gradio front end over ``InterviewService``.

Modules, each with one job:

* ``context``: what every handler shares (the one service, speech, the work folder).
* ``state``: what one browser tab holds between events, and who owns which session.
* ``views``: text and HTML the page shows, built from the database.
* ``voice``: spoken answers (transcription, flagged words) and the interviewer's voice.
* ``reports``: the on-screen report and its downloads.
* ``history``: past sessions and the progress chart.
* ``handlers``: what each button does, as plain functions over the above.
* ``layout``: the page and its event wiring; ``server``: queue, auth and launch.
"""

from __future__ import annotations

__all__ = ["build_ui", "serve"]


def __getattr__(name: str) -> object:
    # Importing gradio takes seconds; `import ui` stays cheap until the app is really wanted.
    if name == "build_ui":
        from ui.layout import build_ui

        return build_ui
    if name == "serve":
        from ui.server import serve

        return serve
    raise AttributeError(name)
