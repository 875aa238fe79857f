"""The page's style and its two small scripts (the clock, the browser-speech fallback)."""

from __future__ import annotations

CSS = """
.gradio-container { max-width: 1280px !important; width: 100%; margin: 0 auto !important; }
#iv-header h1 { margin-bottom: 0; font-size: 1.7rem; }
#iv-header p { margin-top: .25rem; color: var(--body-text-color-subdued); }
#iv-user { text-align: right; align-self: center; color: var(--body-text-color-subdued); }
.iv-progress { padding: .25rem 0 .5rem; }
.iv-progress-text { display: flex; gap: .75rem; align-items: center; font-size: 1.05rem; }
.iv-kind { font-size: .8rem; padding: .1rem .55rem; border-radius: 999px; background: #e0e7ff; color: #3730a3; }
.iv-kind-follow-up { background: #fef3c7; color: #92400e; }
.iv-clock { margin-left: auto; font-variant-numeric: tabular-nums; color: var(--body-text-color-subdued); }
.iv-clock.iv-over { color: #b91c1c; font-weight: 600; }
.iv-bar { height: 6px; background: var(--block-border-color); border-radius: 3px; margin-top: .4rem; }
.iv-bar-fill { height: 6px; background: var(--color-accent); border-radius: 3px; transition: width .4s; }
#iv-question { background: var(--block-background-fill); border: 1px solid var(--block-border-color);
  border-left: 4px solid var(--color-accent); border-radius: 8px; padding: .75rem 1rem; }
#iv-question h3 { margin-top: 0; }

.iv-report-frame { width: 100%; height: 78vh; border: 1px solid var(--block-border-color); border-radius: 8px;
  background: white; }
#iv-chat button[aria-label="Clear"] { display: none; }
.iv-banner { background: #eef2ff; border-radius: 8px; padding: .4rem .75rem; align-items: center; }
.iv-empty { color: var(--body-text-color-subdued); padding: 2rem; text-align: center; }
"""

#: Runs once per page: ticks every clock on the page, and speaks text handed to ``speak``.
HEAD = """
<script>
(() => {
  const pad = (n) => String(n).padStart(2, "0");
  const fmt = (s) => {
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = pad(Math.floor(s % 60));
    return h ? `${h}:${pad(m)}:${sec}` : `${m}:${sec}`;
  };
  setInterval(() => {
    document.querySelectorAll(".iv-clock[data-start]").forEach((el) => {
      const elapsed = Math.max(0, (Date.now() - Number(el.dataset.start)) / 1000);
      const budget = Number(el.dataset.budget || 0);
      el.textContent = budget ? `${fmt(elapsed)} of ${fmt(budget)}` : `${fmt(elapsed)} elapsed`;
      el.classList.toggle("iv-over", budget > 0 && elapsed > budget);
    });
  }, 1000);
})();
</script>
"""

#: Event script: speak a question with the browser's own voice. The value is "nonce|text" so
#: that repeating the same question still changes the value and fires the event.
SPEAK_JS = """
(value) => {
  if (!value || !window.speechSynthesis) return;
  const text = value.slice(value.indexOf("|") + 1);
  window.speechSynthesis.cancel();
  window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
}
"""

#: Event script: ask before ending the interview; the answer replaces the last input.
CONFIRM_END_JS = """
(...args) => {
  const ok = window.confirm("End the interview now? Your answers so far are kept and graded.");
  return [...args.slice(0, -1), ok];
}
"""
