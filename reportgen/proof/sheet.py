"""Contact sheets: the pages of one output as thumbnails on a grid, numbered, those with a
problem framed in red, several PNG files when the pages are many."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from ..output import write_atomic

THUMB = 200  # pixels: the longer side of a thumbnail
COLUMNS = 8
ROWS = 6
GAP = 12
LABEL = 16
PROBLEM = (200, 0, 0)


def _thumbnail(page) -> Image.Image:
    width, height = page.get_size()
    scale = THUMB / max(width, height)
    return page.render(scale=scale).to_pil().convert("RGB")


def contact_sheets(pdf_path: Path, out: Path, label: str, flagged: set[int]) -> list[Path]:
    """Write ``<label>-proof-N.png`` into ``out``; ``flagged``: 1-based pages with a problem."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    per_sheet = COLUMNS * ROWS
    sheets = []
    out.mkdir(parents=True, exist_ok=True)
    for first in range(0, len(pdf), per_sheet):
        numbers = range(first, min(first + per_sheet, len(pdf)))
        thumbs = [_thumbnail(pdf[n]) for n in numbers]
        cell_w = max(t.width for t in thumbs) + GAP
        cell_h = max(t.height for t in thumbs) + GAP + LABEL
        rows = -(-len(thumbs) // COLUMNS)
        sheet = Image.new("RGB", (cell_w * COLUMNS + GAP, cell_h * rows + GAP), (235, 235, 235))
        draw = ImageDraw.Draw(sheet)
        for position, (number, thumb) in enumerate(zip(numbers, thumbs)):
            row, column = divmod(position, COLUMNS)
            x, y = GAP + column * cell_w, GAP + row * cell_h
            sheet.paste(thumb, (x, y))
            bad = number + 1 in flagged
            draw.rectangle((x - 2, y - 2, x + thumb.width + 1, y + thumb.height + 1),
                           outline=PROBLEM if bad else (160, 160, 160), width=3 if bad else 1)
            draw.text((x, y + thumb.height + 3), f"p. {number + 1}" + (" – problema" if bad else ""),
                      fill=PROBLEM if bad else (0, 0, 0))
        path = out / f"{label}-proof-{first // per_sheet + 1}.png"
        buffer = io.BytesIO()
        sheet.save(buffer, format="PNG")  # no timestamp chunk: the same pages give the same bytes
        write_atomic(path, buffer.getvalue())
        sheets.append(path)
    pdf.close()
    return sheets
