"""The Python API: what the CLI does, callable from a notebook or another program.

>>> from reportgen.api import build, compute_project
>>> result = compute_project("sample_data/relazione-2024")
>>> result.figure("ieep.ieep_accertato.scostamento").value     # exact Decimal
>>> result.tables["ieep"].to_frame()                            # a pandas DataFrame
>>> build("sample_data/relazione-2024", out="output")           # writes the PDF and PPTX
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .content import build_report, formatter_for
from .content.model import Report
from .engine import EngineResult, compute
from .engine.checks import CheckResult
from .errors import InputError
from .load import LoadedProject, load_project
from .load.config import FORMATS
from .output import write_all

Progress = Callable[[str], None]


@dataclass(slots=True)
class BuildResult:
    outputs: list[Path]
    report: Report
    checks: list[CheckResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def failed_checks(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.ok]


def compute_project(project: str | Path) -> EngineResult:
    """Load and validate a project and compute every table."""
    return compute(load_project(project))


def parse_formats(formats: str | Iterable[str] | None, loaded: LoadedProject) -> tuple[str, ...]:
    if formats is None:
        return loaded.config.outputs
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in items if f.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise InputError(f"unknown output format {', '.join(unknown) or '(none)'}; use {', '.join(FORMATS)}")
    return chosen


SUFFIXES = {"pdf": ".pdf", "pptx": ".pptx", "slides": "-slides.pdf"}


def output_paths(loaded: LoadedProject, out: Path, formats: tuple[str, ...], section: str | None) -> dict[str, Path]:
    stem = loaded.config.name if section is None else f"{loaded.config.name}-{section}"
    return {fmt: out / f"{stem}{SUFFIXES[fmt]}" for fmt in formats}


def page_map_path(out: Path, name: str) -> Path:
    return out / ".reportgen" / f"{name}.pages.json"


def read_page_map(out: Path, name: str) -> dict | None:
    """Pages of each section in the last full build, if there was one (a hint for numbering)."""
    try:
        data = json.loads(page_map_path(out, name).read_text(encoding="utf-8"))
        pages, sections = data.get("pages"), data.get("sections")
        valid = isinstance(pages, int) and isinstance(sections, dict) and all(
            isinstance(v, int) and not isinstance(v, bool) for v in sections.values())
        return data if valid else None  # it ends up in CSS: only numbers are trusted
    except (OSError, ValueError, AttributeError):
        return None


def build(project: str | Path, out: str | Path = "output", formats: str | Iterable[str] | None = None,
          section: str | None = None, progress: Progress | None = None) -> BuildResult:
    """Validate, compute, render and write the report. Nothing is written unless every
    requested output rendered; each file is replaced atomically.

    ``section`` builds one section (with its subsections) into ``<name>-<section>.<fmt>``.
    Raises :class:`~reportgen.errors.InputErrors` listing every problem of the project.
    """
    note = progress or (lambda stage: None)
    root = Path(project).resolve()
    note("Reading and validating the project")
    loaded = load_project(root, section)
    chosen = parse_formats(formats, loaded)
    note("Computing the figures")
    result = compute(loaded)
    note("Assembling the content")
    report = build_report(loaded, result, only=section)
    formatter = formatter_for(loaded.config)
    warnings = [*loaded.notes, *result.warnings]
    paths = output_paths(loaded, Path(out), chosen, section)
    rendered: dict[Path, bytes] = {}
    if "pdf" in chosen or "slides" in chosen:
        from .charts import render_charts
        from .render.html import render_html
        from .render.pdf import render_pdf

        charts = {}
        if report.charts():  # drawn once, used by both PDFs
            note("Drawing the charts")
            charts = render_charts(report.charts(), loaded.config.theme, formatter, jobs=os.cpu_count() or 1)
    if "pdf" in chosen:
        note("Rendering the PDF")
        known = read_page_map(Path(out), loaded.config.name) if section else None
        start = known["sections"].get(section) if known else None
        html, css = render_html(report, formatter, root, charts, page_start=start,
                                page_total=known["pages"] if start else None)
        pdf = render_pdf(html, css, root)
        warnings.extend(f"PDF: {w}" for w in pdf.warnings)
        rendered[paths["pdf"]] = pdf.data
        if section is None:  # remembered so that a section built alone gets its page numbers
            rendered[page_map_path(Path(out), loaded.config.name)] = json.dumps(
                {"pages": pdf.pages, "sections": pdf.section_pages}, indent=1, sort_keys=True).encode("utf-8")
    if "slides" in chosen:
        note("Rendering the slide-format PDF")
        html, css = render_html(report, formatter, root, charts, layout="slides")
        slides = render_pdf(html, css, root)
        warnings.extend(f"slides: {w}" for w in slides.warnings)
        rendered[paths["slides"]] = slides.data
    if "pptx" in chosen:
        from .render.pptx import render_pptx

        note("Rendering the PowerPoint deck")
        rendered[paths["pptx"]] = render_pptx(report, formatter, root)
    note("Writing the files")
    written = [p for p in write_all(rendered) if p.suffix != ".json"]
    return BuildResult(written, report, result.checks, warnings)
