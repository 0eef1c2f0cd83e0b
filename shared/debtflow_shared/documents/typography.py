"""The typeface of every PDF debtflow prints: DejaVu Sans, regular and bold.

DejaVu covers Latin (with every accented letter of central and eastern Europe and Turkish),
Greek and Cyrillic, so names print as their owners write them. The TTF files and their
licence sit in ``fonts/`` beside this module; fpdf2 embeds only the glyphs a document uses.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF

FONT_FAMILY = "DejaVuSans"
FONT_DIR = Path(__file__).parent / "fonts"
# fpdf2 style -> file: "" regular, "B" bold.
FONT_FILES: dict[str, Path] = {
    "": FONT_DIR / "DejaVuSans.ttf",
    "B": FONT_DIR / "DejaVuSans-Bold.ttf",
}


def use_document_font(pdf: FPDF) -> str:
    """Embed the document typeface in ``pdf``; returns the family name for ``set_font``."""
    for style, path in FONT_FILES.items():
        pdf.add_font(FONT_FAMILY, style, path)
    return FONT_FAMILY
