"""Stage 5, rendering: every requested output of one report, as fast as the machine allows.

The work is cut into pieces (each chart; the A4 and slide pages of each top-level section;
the front matter; the deck) that run in worker processes and are kept in the build cache
under a digest of everything they are made from. A piece whose inputs did not change is
not rendered again: editing one section's text lays out that section (and the contents,
whose page numbers may move) and reuses the rest. The pieces of each PDF are merged into
one document with continuous page numbers, one outline and one structure tree.
"""

from __future__ import annotations

import dataclasses
import gc
import heapq
import multiprocessing
import os
import re
import signal
import sys
import urllib.parse
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from .cache import BuildCache
from .charts import RenderedChart, chart_style, draw_chart
from .content.model import ChartBlock, Report, Section, TextBlock
from .digest import bundled_digest, digest, file_digest
from .formatting import Formatter
from .progress import Progress, Silent
from .render.common import FOLIOS, accessible_theme
from .render.pdf import PROFILES, PdfPiece
from .resources import assets_dir

LAYOUTS = {"pdf": "pdf", "slides": "slides"}  # output format → HTML layout
STAGES = {"pdf": "Laying out the A4 pages", "slides": "Laying out the slide pages"}
PRIORITY_FIRST = float("inf")  # the deck (long, and ready at once) and the merges (the build waits on them)
PRIORITY_CHART = 1e12  # charts before pages: the pages of their sections wait for them
_FILE_URL = re.compile(r"file://[^\s\"'()<>]+")
_DIGEST = re.compile(r"[0-9a-f]{64}")
_RELATIVE_SRC = re.compile(r"""\ssrc=["']([^"':#?]+)["']""")  # a narrative's image, inside the project


# --- the work done in worker processes: module functions, so that they can be sent there


def _lay_out(html: str, css: str, root: Path, variant: str | None) -> PdfPiece:
    from .render.pdf import render_pdf

    return render_pdf(html, css, root, variant)


def _merge(pieces, folio, colour, first, total, archival, attachments, date):
    from .render.merge import merge_pieces

    return merge_pieces(pieces, folio, colour, first, total, archival, attachments, date)


def _write_deck(report: Report, formatter: Formatter, root: Path) -> bytes:
    from .render.deck import render_pptx

    return render_pptx(report, formatter, root)


def _context():
    # fork shares the imported libraries with the workers (no second import of WeasyPrint)
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _worker_start() -> None:
    # Ctrl-C reaches the whole process group: the main process stops the build, the workers
    # are terminated by it rather than each printing a traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)  # blocked by the parent while forking
    # a second of imports, done while the main process reads the project
    import pikepdf  # noqa: F401
    import weasyprint  # noqa: F401


class Workers:
    """A process pool; ``jobs`` 1 runs everything in this process. :meth:`start` forks the
    workers early so that they load the layout engine while the project is read; otherwise
    they start with the first task."""

    def __init__(self, jobs: int | None = None):
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.pool: ProcessPoolExecutor | None = None

    def start(self) -> Workers:
        if self.jobs > 1 and self.pool is None:
            # what the workers inherit is never collected there: frozen, its pages are not copied
            # into each worker by the collector's writes (copy-on-write)
            gc.freeze()
            self.pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=_context(),
                                            initializer=_worker_start)
            # a signal arriving between a fork and the worker's own handlers would run the
            # parent's handlers in the child: held back until both sides are ready
            masking = hasattr(signal, "pthread_sigmask")
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS) if masking else None
            try:
                for _ in range(self.jobs):  # the pool forks its processes on demand
                    self.pool.submit(int)
            finally:
                if masking:
                    signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        return self

    def submit(self, function: Callable, *args) -> Future:
        if self.jobs == 1:
            future: Future = Future()
            try:
                future.set_result(function(*args))
            except Exception as exc:  # noqa: BLE001 - handed to whoever waits on the future
                future.set_exception(exc)
            return future
        return self.start().pool.submit(function, *args)

    def close(self, interrupted: bool = False) -> None:
        if self.pool is None:
            return
        if interrupted:  # do not wait for pieces nobody will use; they write nothing, so no cleanup
            for process in list((getattr(self.pool, "_processes", None) or {}).values()):
                process.kill()
        self.pool.shutdown(wait=not interrupted, cancel_futures=True)
        self.pool = None
        gc.unfreeze()


# --- cache entries


def _piece_from_cache(entry: tuple[bytes, dict] | None) -> PdfPiece | None:
    if entry is None:
        return None
    data, meta = entry
    try:
        return PdfPiece(data, int(meta["pages"]), {str(k): int(v) for k, v in meta["section_pages"].items()},
                        tuple(int(i) for i in meta["unnumbered"]), tuple(str(w) for w in meta["warnings"]))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _piece_meta(piece: PdfPiece) -> dict:
    return {"pages": piece.pages, "section_pages": piece.section_pages, "unnumbered": list(piece.unnumbered),
            "warnings": list(piece.warnings)}


@dataclass
class RenderedOutputs:
    files: dict[str, bytes] = field(default_factory=dict)  # output format → file content
    layouts: dict[str, dict] = field(default_factory=dict)  # layout → pages, section pages, front pages
    warnings: list[str] = field(default_factory=list)
    # what was rendered rather than taken from the cache: "pdf:ieep", "slides:front", "chart:…", "pptx"
    rendered: list[str] = field(default_factory=list)
    reused: int = 0  # pieces taken from the cache


@dataclass
class _Layout:
    """The pieces of one paged output (the A4 PDF or the slide PDF) as they arrive."""

    fmt: str
    renderer: object
    css: str
    sections: tuple[Section, ...]
    pieces: dict[int, PdfPiece] = field(default_factory=dict)
    front: PdfPiece | None = None
    front_pages: int | None = None  # pages of the front matter, once known
    scheduled: set[int] = field(default_factory=set)


class _Run:
    def __init__(self, report: Report, formatter: Formatter, root: Path, formats: tuple[str, ...],
                 page_map: dict | None, section: str | None, workers: Workers, cache: BuildCache,
                 progress: Progress, pdf_profile: str):
        self.report, self.formatter, self.root = report, formatter, root
        self.formats, self.page_map, self.section = formats, page_map or {}, section
        self.cache, self.progress, self.pdf_profile = cache, progress, pdf_profile
        self.workers = workers
        self.pending: dict[Future, Callable] = {}
        self.queue: list[tuple] = []
        self.sequence = 0
        self.out = RenderedOutputs()
        self.charts: dict[str, RenderedChart] = {}
        self.layouts: dict[str, _Layout] = {}
        self.file_digests: dict[str, str] = {}
        self.own_templates = (root / "templates").is_dir()
        self.section_digests: dict[str, str] = {}

    # -- plumbing

    def _submit(self, priority: float, then: Callable, function: Callable, *args) -> None:
        """Queue work for the workers; the highest ``priority`` goes first (the deck and the
        merges, then the charts the pages wait for, then the longest pieces)."""
        self.sequence += 1
        heapq.heappush(self.queue, (-priority, self.sequence, function, args, then))

    def _run_pending(self) -> None:
        while True:
            # only as many tasks as workers are handed over, so that the order stays ours
            while self.queue and len(self.pending) < self.workers.jobs:
                _, _, function, args, then = heapq.heappop(self.queue)
                self.pending[self.workers.submit(function, *args)] = then
            if not self.pending:
                return
            done, _ = wait(list(self.pending), return_when=FIRST_COMPLETED)
            for future in done:  # the order of arrival does not matter: results are kept by place
                callback = self.pending.pop(future)
                callback(future.result())

    def run(self) -> RenderedOutputs:
        try:
            paged = [fmt for fmt in self.formats if fmt in LAYOUTS]
            if "pptx" in self.formats:
                self._deck()
            if paged:
                self._start_charts()
                for fmt in paged:
                    self._start_layout(fmt)
            self._run_pending()
        except BaseException:
            self.workers.close(interrupted=True)
            raise
        self.workers.close()
        return self.out

    # -- the deck

    def _deck(self) -> None:
        theme = self.report.meta.theme
        files = [self.root / name for name in (theme.logo, theme.pptx_template) if name]
        report = self.report  # each section hashed once per build: the pages' keys reuse it
        key = digest("deck", report.meta, report.partial, [self._section_digest(s) for s in report.sections],
                     self.formatter, [file_digest(p) for p in files if p.is_file()], bundled_digest())
        self.progress.stage("Writing the PowerPoint deck", 1)
        cached = self.cache.get("deck", key)
        if cached is not None:
            self.out.reused += 1
            self._deck_done(key, cached[0], cached=True)
        else:
            self._submit(PRIORITY_FIRST, lambda data: self._deck_done(key, data),
                         _write_deck, self.report, self.formatter, self.root)

    def _deck_done(self, key: str, data: bytes, cached: bool = False) -> None:
        if not cached:
            self.out.rendered.append("pptx")
            self.cache.put("deck", key, data)
        self.out.files["pptx"] = data
        self.progress.advance("Writing the PowerPoint deck")
        self.progress.done("Writing the PowerPoint deck")

    # -- charts

    def _start_charts(self) -> None:
        specs = self.report.charts()
        if not specs:
            return
        style = chart_style(self.report.meta.theme, self.formatter)
        missing = []
        for spec in specs:
            key = digest("chart", spec, style, bundled_digest())  # the fonts the labels are set in
            cached = self.cache.get("chart", key)
            if cached is not None:
                self.out.reused += 1
                self.charts[spec.id] = RenderedChart(spec, cached[0], None)
            else:
                missing.append((spec, key))
        if missing:
            self.progress.stage("Drawing the charts", len(missing))
        for spec, key in missing:
            self._submit(PRIORITY_CHART, lambda drawn, spec=spec, key=key: self._chart_done(spec, key, drawn[0]),
                         draw_chart, spec, style)

    def _chart_done(self, spec, key: str, svg: bytes) -> None:
        self.out.rendered.append(f"chart:{spec.id}")
        self.cache.put("chart", key, svg)
        self.charts[spec.id] = RenderedChart(spec, svg, None)
        self.progress.advance("Drawing the charts")
        if len(self.charts) == len(self.report.charts()):
            self.progress.done("Drawing the charts")
        for layout in self.layouts.values():
            self._schedule_ready(layout)

    # -- paged outputs

    def _start_layout(self, fmt: str) -> None:
        from .render.html import HtmlRenderer

        layout = _Layout(fmt, None, "", self.report.sections)
        renderer = HtmlRenderer(self.report, self.formatter, self.root, self.charts, LAYOUTS[fmt],
                                archival=self._variant(layout) != PROFILES["standard"])
        layout.renderer, layout.css = renderer, renderer.css()
        known = self.page_map.get(LAYOUTS[fmt]) or {}
        layout.front_pages = known.get("front")
        self.layouts[fmt] = layout
        self.progress.stage(STAGES[fmt], len(layout.sections) + (0 if self.report.partial else 1))
        if not self.report.partial and layout.front_pages is None:
            # how long the contents are does not depend on the numbers they print: counted now, in
            # parallel, the contents are laid out once the sections are done, not twice
            placeholders = {section.id: 888 for section in self.report.walk()}
            html = layout.renderer.document(front=True, sections=[], toc_pages=placeholders)
            self._lay_out(layout, html, "front-count", lambda piece: self._front_counted(layout, piece),
                          PRIORITY_CHART)
        self._schedule_ready(layout)

    def _charts_of(self, section: Section) -> set[str]:
        return {b.spec.id for s in section.walk() for b in s.blocks if isinstance(b, ChartBlock)}

    def _key(self, layout: _Layout, html: str) -> str:
        # the files the layout reads: a replaced image (same name) must not reuse the old page
        urls = set(_FILE_URL.findall(html + layout.css))
        urls.update((self.root / urllib.parse.unquote(src)).resolve().as_uri() for src in _RELATIVE_SRC.findall(html))
        files = [(url, self._file_digest(url)) for url in sorted(urls)]
        return digest("page", LAYOUTS[layout.fmt], self._variant(layout), html, layout.css, files)

    def _variant(self, layout: _Layout) -> str:
        # the slide PDF is for screens: the archival profile concerns the A4 document
        return PROFILES[self.pdf_profile if layout.fmt == "pdf" else "standard"]

    def _file_digest(self, url: str) -> str:
        if url not in self.file_digests:
            path = Path(urllib.parse.unquote(urllib.parse.urlparse(url).path))
            self.file_digests[url] = file_digest(path) if path.is_file() else "missing"
        return self.file_digests[url]

    def _section_digest(self, section: Section) -> str:
        if section.id not in self.section_digests:
            self.section_digests[section.id] = digest(section)
        return self.section_digests[section.id]

    def _source_key(self, layout: _Layout, section: Section) -> str | None:
        """A key of what a section's document is made of, known before its HTML is written:
        a section whose sources did not change costs no templating at all. Only reportgen's
        own templates are known to read nothing but the section and the report's metadata;
        a project's templates may read the whole report, so their pieces are keyed on the HTML."""
        if self.own_templates:
            return None
        html = "".join(block.narrative.html for inner in section.walk() for block in inner.blocks
                       if isinstance(block, TextBlock))
        images = sorted({(self.root / urllib.parse.unquote(src)).resolve().as_uri()
                         for src in _RELATIVE_SRC.findall(html)})
        charts = [(chart, self.charts[chart].svg) for chart in sorted(self._charts_of(section))]
        return digest("page_source", LAYOUTS[layout.fmt], self._variant(layout), layout.css, str(self.root),
                      str(assets_dir()), bundled_digest(), self.report.meta, self.formatter,
                      self._section_digest(section), charts,
                      [(url, self._file_digest(url)) for url in images])

    def _known_piece(self, source: str | None) -> PdfPiece | None:
        entry = self.cache.get("page_source", source) if source else None
        page = entry[1].get("page") if entry else None
        if not isinstance(page, str) or not _DIGEST.fullmatch(page):  # the cache is on disk: checked
            return None
        return _piece_from_cache(self.cache.get("page", page))

    def _schedule_ready(self, layout: _Layout) -> None:
        ready = [i for i, section in enumerate(layout.sections)
                 if i not in layout.scheduled and self._charts_of(section) <= self.charts.keys()]
        documents = {}
        for index in ready:
            section = layout.sections[index]
            source = self._source_key(layout, section)
            piece = self._known_piece(source)
            if piece is not None:
                layout.scheduled.add(index)
                self.out.reused += 1
                self._piece_done(layout, index, piece)
            else:
                documents[index] = (layout.renderer.document(front=False, sections=[section]), source)
        # the longest documents first, so that no big piece is left for the end
        for index in sorted(documents, key=lambda i: -len(documents[i][0])):
            layout.scheduled.add(index)
            html, source = documents[index]
            self._lay_out(layout, html, layout.sections[index].id,
                          lambda piece, i=index: self._piece_done(layout, i, piece), source=source)

    def _lay_out(self, layout: _Layout, html: str, name: str, then: Callable[[PdfPiece], None],
                 priority: float | None = None, source: str | None = None) -> None:
        key = self._key(layout, html)
        if source:  # next time, found from the sources alone
            self.cache.put("page_source", source, b"", {"page": key})
        piece = _piece_from_cache(self.cache.get("page", key))
        if piece is not None:
            self.out.reused += 1
            then(piece)
            return

        def store(piece: PdfPiece) -> None:
            self.out.rendered.append(f"{layout.fmt}:{name}")
            self.cache.put("page", key, piece.data, _piece_meta(piece))
            then(piece)

        # a piece's size stands for its cost: the longest go first, no big one is left for the end
        self._submit(len(html) if priority is None else priority, store, _lay_out, html, layout.css, self.root,
                     self._variant(layout))

    def _piece_done(self, layout: _Layout, index: int, piece: PdfPiece) -> None:
        layout.pieces[index] = piece
        self.progress.advance(STAGES[layout.fmt])
        if len(layout.pieces) == len(layout.sections):
            if self.report.partial:
                self._merge(layout)
            elif layout.front_pages is not None:
                self._front(layout)

    def _front_counted(self, layout: _Layout, piece: PdfPiece) -> None:
        layout.front_pages = piece.pages
        if len(layout.pieces) == len(layout.sections):
            self._front(layout)

    def _toc_pages(self, layout: _Layout) -> dict[str, int]:
        pages, start = {}, layout.front_pages + 1
        for index, section in enumerate(layout.sections):
            piece = layout.pieces[index]
            for inner in section.walk():  # a section without an anchor points at its chapter
                pages[inner.id] = start + piece.section_pages.get(inner.id, 0)
            start += piece.pages
        return pages

    def _front(self, layout: _Layout) -> None:
        html = layout.renderer.document(front=True, sections=[], toc_pages=self._toc_pages(layout))
        # on the way to the merged file: before any piece still queued
        self._lay_out(layout, html, "front", lambda piece: self._front_done(layout, piece), PRIORITY_FIRST)

    def _front_done(self, layout: _Layout, piece: PdfPiece) -> None:
        if piece.pages != layout.front_pages:
            # the contents took another number of pages than assumed: number again
            layout.front_pages = piece.pages
            self._front(layout)
            return
        layout.front = dataclasses.replace(piece, section_pages={})  # its anchors only stand in for the sections'
        self.progress.advance(STAGES[layout.fmt])
        self._merge(layout)

    def _merge(self, layout: _Layout) -> None:
        self.progress.done(STAGES[layout.fmt])
        pieces = [layout.pieces[i] for i in range(len(layout.sections))]
        name = LAYOUTS[layout.fmt]
        first, total = 1, None
        if layout.front is not None:
            pieces.insert(0, layout.front)
        else:  # a section built alone: numbered as in the last full build, when there was one
            known = self.page_map.get(name) or {}
            start = (known.get("sections") or {}).get(self.section)
            if isinstance(start, int) and isinstance(known.get("pages"), int):
                first, total = start, known["pages"]
        label = "PDF" if layout.fmt == "pdf" else layout.fmt
        for piece in pieces:
            for warning in piece.warnings:  # one stylesheet's warnings come with each of its pieces
                if f"{label}: {warning}" not in self.out.warnings:
                    self.out.warnings.append(f"{label}: {warning}")

        def merged(result) -> None:
            self.out.files[layout.fmt] = result.data
            self.out.layouts[name] = {"pages": result.pages, "sections": result.section_pages,
                                      "front": layout.front.pages if layout.front else None}

        archival = self._variant(layout) != PROFILES["standard"]
        attachments = self._attachments() if archival else ()
        # in a worker: the A4 and the slide PDF are merged at the same time
        colour = accessible_theme(self.report.meta.theme).muted
        self._submit(PRIORITY_FIRST, merged, _merge, pieces, FOLIOS[name], colour, first, total, archival,
                     attachments, self.report.meta.document_date)

    def _attachments(self) -> list:
        from .export import table_csvs
        from .render.pdfpost import Attachment

        return [Attachment(table.path, f"{table.section_number} {table.section_title} – {table.title}", table.csv)
                for table in table_csvs(self.report)]


def render_outputs(report: Report, formatter: Formatter, root: Path, formats: tuple[str, ...], *,
                   page_map: dict | None = None, section: str | None = None, jobs: int | None = None,
                   workers: Workers | None = None, cache: BuildCache | None = None,
                   progress: Progress | None = None, pdf_profile: str = "standard") -> RenderedOutputs:
    """Render ``formats`` (pdf, slides, pptx) of ``report``. ``page_map``: the pages of the
    last full build (numbers for a section built alone, the contents' length); ``jobs``:
    worker processes (default: the number of cores), or ``workers`` already started (closed
    when done); ``pdf_profile``: standard (PDF/UA-1) or archival (PDF/A-3u and PDF/UA-1, the
    tables attached)."""
    return _Run(report, formatter, root, formats, page_map, section, workers or Workers(jobs),
                cache or BuildCache(None), progress or Silent(), pdf_profile).run()
