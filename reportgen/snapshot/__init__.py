"""Snapshot testing of the rendered pages: ``update`` stores a PNG per page of the A4 and
slide PDFs with a manifest; ``check`` renders again and compares each page with the snapshot
of the same section page, with tolerances and masks from ``snapshot.yaml``.

Pages are matched by section (see :mod:`.pages`): an inserted section shows up as new pages,
not as a cascade of mismatches. Page numbers, which legitimately shift, are masked by default.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import html
import io
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ErrorCollector, InputError
from ..output import write_atomic
from .compare import compare_images
from .config import load_config
from .pages import PageImage, rasterize

MANIFEST = "manifest.json"
OUTPUTS = ("pdf", "slides")


@dataclass(slots=True)
class PageResult:
    output: str
    key: str
    section: str
    status: str  # match / changed / new / removed
    match: float | None = None  # percent
    tolerance: float | None = None
    page: int | None = None  # page number in the new PDF
    diff_png: bytes | None = None
    old_png: bytes | None = None
    new_png: bytes | None = None

    @property
    def failed(self) -> bool:
        return self.status != "match"


@dataclass(slots=True)
class CheckReport:
    results: list[PageResult] = field(default_factory=list)

    @property
    def failures(self) -> list[PageResult]:
        return [r for r in self.results if r.failed]

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0


def _png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def render_pages(project: Path, dpi: int, formats: tuple[str, ...], section: str | None,
                 progress=None) -> dict[str, list[PageImage]]:
    """Build the PDFs into a temporary folder and rasterize their pages."""
    from ..api import build
    from ..batch import is_repeated

    if is_repeated(project):
        return _render_cards(project, dpi, formats, progress)
    pages: dict[str, list[PageImage]] = {}
    with tempfile.TemporaryDirectory(prefix="reportgen-snapshot-") as tmp:
        result = build(project, out=tmp, formats=formats, section=section, progress=progress)
        ids = {s.heading: s.id for s in result.report.walk()}
        for output in formats:
            path = next(p for p in result.outputs if (p.name.endswith("-slides.pdf")) == (output == "slides"))
            if progress:
                progress(f"Rasterizing the {output} pages at {dpi} dpi")
            pages[output] = rasterize(path, dpi, ids)
    return pages


def _render_cards(project: Path, dpi: int, formats: tuple[str, ...], progress=None) -> dict[str, list[PageImage]]:
    """A repeated project: every unit's card, each page keyed ``<unit>/<section>#<n>``, so that a
    change is named by its unit and a unit added or removed is new or removed pages only."""
    from ..api import SUFFIXES
    from ..batch import build_batch

    pages: dict[str, list[PageImage]] = {output: [] for output in formats}
    with tempfile.TemporaryDirectory(prefix="reportgen-snapshot-") as tmp:
        result = build_batch(project, Path(tmp), formats, cache=False, progress=progress)
        if result.failed:
            raise InputError(f"cards not made: {'; '.join(result.failed.values())}")
        folder = Path(tmp) / next(p.parent.name for p in result.outputs if p.name == "index.csv")
        for unit in sorted(result.made):
            for output in formats:
                for page in rasterize(folder / f"{unit}{SUFFIXES[output]}", dpi):
                    pages[output].append(dataclasses.replace(page, key=f"{unit}/{page.key}",
                                                             section=f"{unit}/{page.section}"))
    return pages


def update(project: Path, snapdir: Path, dpi: int = 50, formats: tuple[str, ...] = OUTPUTS,
           section: str | None = None, progress=None) -> dict[str, int]:
    """Store the current pages as the reference; returns the number of pages per output."""
    pages = render_pages(project, dpi, formats, section, progress)
    manifest = {"dpi": dpi, "section": section, "outputs": {}}
    for output, items in pages.items():
        folder = snapdir / output
        if folder.is_dir():
            for old in folder.glob("*.png"):
                old.unlink()
        entries = []
        for page in items:
            data = _png(page.image)
            name = f"{output}/{page.key.replace('#', '--')}.png"
            write_atomic(snapdir / name, data)
            entries.append({"key": page.key, "section": page.section, "page": page.number, "file": name,
                            "sha256": hashlib.sha256(data).hexdigest()})
        manifest["outputs"][output] = {"pages": len(items), "entries": entries}
    write_atomic(snapdir / MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False).encode("utf-8"))
    return {output: len(items) for output, items in pages.items()}


def read_manifest(snapdir: Path) -> dict:
    try:
        manifest = json.loads((snapdir / MANIFEST).read_text(encoding="utf-8"))
        assert isinstance(manifest["outputs"], dict) and isinstance(manifest["dpi"], int)
        return manifest
    except (OSError, ValueError, KeyError, AssertionError, TypeError):
        raise InputError(f"no snapshots in {snapdir}: run 'reportgen snapshot update' first") from None


def check(project: Path, snapdir: Path, progress=None) -> CheckReport:
    """Compare the current pages with the snapshots (same dpi, outputs and section)."""
    from PIL import Image

    manifest = read_manifest(snapdir)
    errors = ErrorCollector()
    config = load_config(snapdir, errors)
    errors.raise_if_any()
    dpi = manifest["dpi"]
    formats = tuple(o for o in OUTPUTS if o in manifest["outputs"])
    pages = render_pages(project, dpi, formats, manifest.get("section"), progress)
    report = CheckReport()
    for output in formats:
        stored = {e["key"]: e for e in manifest["outputs"][output]["entries"]}
        current = {p.key: p for p in pages[output]}
        for page in pages[output]:
            entry = stored.get(page.key)
            if entry is None:
                report.results.append(PageResult(output, page.key, page.section, "new", page=page.number,
                                                 new_png=_png(page.image)))
                continue
            old = Image.open(snapdir / entry["file"]).convert("RGB")
            tolerance, boxes = config.page_rule(output, page.section, page.key, page.image.size, dpi)
            diff = compare_images(old, page.image, boxes)
            status = "match" if 100.0 - diff.match <= tolerance else "changed"
            result = PageResult(output, page.key, page.section, status, diff.match, tolerance, page.number)
            if status == "changed":
                result.diff_png, result.old_png, result.new_png = _png(diff.diff), _png(old), _png(page.image)
            report.results.append(result)
        for key, entry in stored.items():
            if key not in current:
                report.results.append(PageResult(output, key, entry["section"], "removed",
                                                 old_png=(snapdir / entry["file"]).read_bytes()))
    return report


def write_report(report: CheckReport, folder: Path) -> Path:
    """Diff images of the failures and one self-contained HTML page summarizing every page."""
    rows, figures = [], []
    for r in report.results:
        match = "–" if r.match is None else f"{r.match:.3f} %".replace(".", ",")
        rows.append(f"<tr class='{r.status}'><td>{r.output}</td><td>{html.escape(r.key)}</td><td>{r.page or '–'}</td>"
                    f"<td>{match}</td><td>{r.status}</td></tr>")
        if r.failed:
            name = f"{r.output}-{r.key.replace('#', '--')}"
            if r.diff_png:
                write_atomic(folder / f"{name}-diff.png", r.diff_png)
            images = "".join(
                f"<figure><img src='data:image/png;base64,{base64.b64encode(data).decode()}' alt='{label}'>"
                f"<figcaption>{label}</figcaption></figure>"
                for label, data in (("snapshot", r.old_png), ("now", r.new_png), ("differences", r.diff_png)) if data)
            figures.append(f"<section><h2>{html.escape(r.output)} · {html.escape(r.key)} — {r.status}</h2>"
                           f"<div class='images'>{images}</div></section>")
    failed = len(report.failures)
    page = f"""<!DOCTYPE html><html lang="it"><head><meta charset="utf-8"><title>reportgen snapshot check</title>
<style>body{{font-family:sans-serif;margin:2em}} table{{border-collapse:collapse}} td,th{{padding:.2em .8em;
border-bottom:1px solid #ddd}} tr.changed,tr.new,tr.removed{{background:#fde8e8;font-weight:bold}}
.images{{display:flex;gap:1em}} figure{{margin:0}} img{{max-width:30vw;border:1px solid #999}}</style></head><body>
<h1>Snapshot check: {failed} page{'s' if failed != 1 else ''} differ{'s' if failed == 1 else ''}</h1>
<table><thead><tr><th>output</th><th>page (section#n)</th><th>page no.</th><th>match</th><th>status</th></tr></thead>
<tbody>{''.join(rows)}</tbody></table>{''.join(figures)}</body></html>"""
    path = folder / "index.html"
    write_atomic(path, page.encode("utf-8"))
    return path
