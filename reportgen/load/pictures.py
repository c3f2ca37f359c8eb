"""Checking the project's own assets before any stage decodes them: the logo (a picture) and
the corporate PowerPoint template.

A picture's header can claim 40000 × 40000 pixels in a few hundred bytes; Pillow (the deck) and
WeasyPrint (the PDFs) would allocate gigabytes to decode it. Only the header is read here, and
the file is refused before anything decodes it. A template that is not a presentation fails in
the middle of the deck otherwise, far from the key that named it.
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

from .files import MAX_INPUT_BYTES, UnsafeFile, read_project_bytes

# far beyond a logo printed a few centimetres wide at 300 dpi (about 1000 × 400)
MAX_PIXELS = 25_000_000
RASTER_FORMATS = {"PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP"}
# a template is a zip: what its parts may expand to (python-pptx reads every part into memory)
MAX_TEMPLATE_EXPANDED = 200 * 1024 * 1024


def _read(root: Path, value: str, display: str) -> bytes | str:
    if urlsplit(value).scheme or value.startswith("//"):
        return "must be a file inside the project folder, not an address"
    try:
        inside = (root / value).resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError, ValueError):
        inside = False
    if not inside:
        return "is not a file inside the project folder"
    try:
        return read_project_bytes(root, root / value, display, MAX_INPUT_BYTES)
    except UnsafeFile as exc:
        return exc.message


def picture_problem(root: Path, value: str, display: str) -> str | None:
    """Why the picture ``value`` (relative to ``root``) cannot be used, or None. An SVG is left
    to the PDF renderer, which draws it without decoding pixels."""
    data = _read(root, value, display)
    if isinstance(data, str):
        return data
    if Path(value).suffix.lower() == ".svg":
        return None if data.lstrip().startswith((b"<", b"\xef\xbb\xbf<")) else "is not an SVG picture"
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data), formats=sorted(RASTER_FORMATS)) as image:  # reads the header only
            width, height = image.size
            if width * height > MAX_PIXELS:
                return f"is {width} × {height} pixels: at most {MAX_PIXELS:,} pixels"
            image.verify()  # chunk structure and checksums, without decoding the pixels
    except (UnidentifiedImageError, Image.DecompressionBombError):
        return "is not a picture (PNG, JPEG, GIF, BMP, TIFF or WebP) or its header is broken"
    except (OSError, SyntaxError, ValueError, EOFError, struct.error):
        return "is a damaged picture"
    return None


def template_problem(root: Path, value: str, display: str) -> str | None:
    """Why the PowerPoint template ``value`` cannot be used, or None."""
    data = _read(root, value, display)
    if isinstance(data, str):
        return data
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if sum(info.file_size for info in archive.infolist()) > MAX_TEMPLATE_EXPANDED:
                return f"expands to more than {MAX_TEMPLATE_EXPANDED // (1024 * 1024)} MB"
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return "is not a PowerPoint file (.pptx)"
    if "[Content_Types].xml" not in names or "ppt/presentation.xml" not in names:
        return "is not a PowerPoint presentation (no ppt/presentation.xml)"
    from pptx import Presentation

    try:
        Presentation(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - python-pptx raises whatever its parts cause (KeyError, XMLSyntaxError…)
        return "is a damaged PowerPoint file: python-pptx cannot open it"
    return None
