"""Fonts for the PDF: embedded, Unicode-safe, with nothing needed from the system.

Text is set in DejaVu Sans, which ships inside matplotlib (Latin, Greek, Cyrillic, mathematical
operators, arrows, many symbols). Characters DejaVu lacks go to a CJK font when one is found:
WenQuanYi Micro Hei from the ``paperang-p2-fonts-cjk`` package, else a TrueType CJK font
installed on the system. A character no embedded font can draw (most colour emoji) is shown as
its Unicode name in brackets, e.g. "[rocket]", rather than as an empty box.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

BODY = "ReportSans"
BOLD = "ReportSans-Bold"
ITALIC = "ReportSans-Oblique"
BOLD_ITALIC = "ReportSans-BoldOblique"
CJK = "ReportCJK"

_DEJAVU = {
    BODY: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}
#: System CJK fonts with TrueType outlines (ReportLab cannot embed CFF-based .otf such as Noto CJK).
SYSTEM_CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


def _fix_to_unicode_cmap() -> None:
    """Make ReportLab's ToUnicode maps right for characters beyond the BMP (emoji, math letters).

    ReportLab 4/5 writes each code point as ``<%04X>``, which is malformed above U+FFFF, so a
    PDF reader extracts 😀 as a different character. The map must hold UTF-16BE (surrogate pairs).
    """
    original = ttfonts.makeToUnicodeCMap
    if getattr(original, "_utf16_fixed", False):
        return

    def make_to_unicode_cmap(fontname: str, subset: list[int]) -> str:
        text = original(fontname, subset)
        head, _, rest = text.partition("beginbfchar\n")
        tail = rest[rest.index("endbfchar") :]
        lines = [f"<{code:02X}> <{chr(cp).encode('utf-16-be').hex().upper()}>" for code, cp in enumerate(subset)]
        return head + "beginbfchar\n" + "\n".join(lines) + "\n" + tail

    make_to_unicode_cmap._utf16_fixed = True  # type: ignore[attr-defined]
    ttfonts.makeToUnicodeCMap = make_to_unicode_cmap


def cjk_font_path() -> tuple[Path, int] | None:
    """The CJK font to embed and its index in a collection, or None when there is none."""
    try:
        packaged = resources.files("paperang_p2_fonts_cjk") / "fonts" / "wqy-microhei.ttc"
        if packaged.is_file():
            return Path(str(packaged)), 0
    except ModuleNotFoundError:
        pass
    for candidate in SYSTEM_CJK_FONTS:
        if Path(candidate).is_file():
            return Path(candidate), 0
    return None


@lru_cache(maxsize=1)
def register_fonts() -> None:
    """Register the DejaVu family once per process (ReportLab's font registry is global)."""
    _fix_to_unicode_cmap()
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for name, file in _DEJAVU.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    # <b> and <i> in paragraph markup pick the family's faces through these mappings.
    addMapping(BODY, 0, 0, BODY)
    addMapping(BODY, 1, 0, BOLD)
    addMapping(BODY, 0, 1, ITALIC)
    addMapping(BODY, 1, 1, BOLD_ITALIC)


@lru_cache(maxsize=1)
def _cjk_glyphs() -> frozenset[int]:
    """Code points the CJK font covers; registers it on first use (it is large: only when needed)."""
    found = cjk_font_path()
    if found is None:
        return frozenset()
    path, index = found
    pdfmetrics.registerFont(TTFont(CJK, str(path), subfontIndex=index))
    return frozenset(pdfmetrics.getFont(CJK).face.charToGlyph)


@lru_cache(maxsize=1)
def _body_glyphs() -> frozenset[int]:
    register_fonts()
    return frozenset(pdfmetrics.getFont(BODY).face.charToGlyph)


def _invisible(ch: str) -> bool:
    # Joiners and variation selectors shape emoji sequences; alone they draw nothing.
    return unicodedata.category(ch) == "Cf" or 0xFE00 <= ord(ch) <= 0xFE0F or 0xE0100 <= ord(ch) <= 0xE01EF


def _placeholder(chars: str) -> str:
    """A visible stand-in for characters no embedded font has: "[rocket]", or "[thai text]" for a word."""
    first = chars[0]
    name = unicodedata.name(first, f"U+{ord(first):04X}").lower()
    label = f"{name.split()[0]} text" if len(chars) > 1 else name
    return f'<font color="#6b7280">[{escape(label)}]</font>'


def _letter(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LM"


def markup(text: str) -> str:
    """``text`` as ReportLab paragraph markup: escaped, line breaks kept, each run in a font that has it.

    Characters no embedded font covers become placeholders: each symbol by its Unicode name, a run
    of letters of an uncovered script as one "[script text]" (a word named letter by letter would
    be unreadable).
    """
    body = _body_glyphs()
    out: list[str] = []
    run: list[str] = []
    run_font: str | None = None
    missing: list[str] = []

    def flush() -> None:
        if run:
            chunk = escape("".join(run)).replace("\n", "<br/>")
            out.append(chunk if run_font is None else f'<font name="{run_font}">{chunk}</font>')
            run.clear()
        if missing:
            out.append(_placeholder("".join(missing)))
            missing.clear()

    for ch in text:
        code = ord(ch)
        if _invisible(ch):
            continue
        if code in body or ch in "\n\t":
            font: str | None = None
        elif code in _cjk_glyphs():
            font = CJK
        else:
            if missing and not (_letter(ch) and _letter(missing[-1])):
                flush()
            if run:
                flush()
            missing.append(ch)
            continue
        if font != run_font or missing:
            flush()
            run_font = font
        run.append(ch)
    flush()
    return "".join(out)


def has_cjk_font() -> bool:
    return bool(_cjk_glyphs())
