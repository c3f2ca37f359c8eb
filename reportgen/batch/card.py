"""One unit's card: its files, made wherever it runs (a local worker process, a Dask worker).

:func:`make_card` takes and returns plain picklable values and never raises for a problem of
the unit's data: the failure is part of the result, so that one bad unit fails its card only.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from ..cache import BuildCache
from ..errors import InputError, InputErrors, ReportgenError
from ..pipeline import Workers, render_outputs
from ..project import compile_loaded
from .view import unit_view


@dataclass(slots=True)
class Card:
    unit: str
    files: dict[str, bytes] = field(default_factory=dict)  # output format → content
    pages: int = 0  # of the A4 PDF
    notes: list[str] = field(default_factory=list)  # failed check values, warnings
    error: str | None = None  # why the card could not be made, naming the unit, file, row, column


def make_card(root: str, unit: str, formats: tuple[str, ...], pdf_profile: str | None,
              cache_dir: str | None) -> Card:
    try:
        view = unit_view(Path(root), unit)
        compiled = compile_loaded(Path(root), view.loaded, before_content=view.apply_checks)
        config = compiled.loaded.config
        rendered = render_outputs(compiled.report, compiled.formatter, Path(root), formats, workers=Workers(1),
                                  cache=BuildCache(Path(cache_dir) if cache_dir else None),
                                  pdf_profile=pdf_profile or config.pdf_profile)
    except (InputError, InputErrors, ReportgenError) as exc:
        lines = str(exc).splitlines() or [type(exc).__name__]
        return Card(unit, error="; ".join(f"unit '{unit}': {line}" for line in lines))
    notes = [*compiled.loaded.notes, *compiled.result.warnings, *rendered.warnings,
             *(str(c) for c in compiled.result.checks if not c.ok)]
    return Card(unit, dict(rendered.files), _pages(rendered.files.get("pdf")), notes)


def _pages(pdf: bytes | None) -> int:
    if pdf is None:
        return 0
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)
