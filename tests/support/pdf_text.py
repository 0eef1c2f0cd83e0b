"""Reading a PDF back as a person's viewer would: its text and its metadata (pypdf)."""

from __future__ import annotations

import io

from pypdf import PdfReader


def pdf_text(pdf: bytes) -> str:
    """Every page's text, pages joined by newlines, spaces of any width as plain spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def pdf_metadata(pdf: bytes) -> dict[str, str]:
    info = PdfReader(io.BytesIO(pdf)).metadata
    return {str(key): str(value) for key, value in (info or {}).items()}


def pdf_image_count(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)
