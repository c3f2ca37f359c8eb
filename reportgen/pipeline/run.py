"""One build's rendering: what is rendered, from the cache or by the workers, and what waits on what.

The charts come first, since the pages of their sections wait for them; then the deck's parts
(its title slide and each top-level section's slides, kept on their own and streamed into one
package once all are there); each section's pages are scheduled as soon as its charts are there,
and each run of sections sharing pages (style.page_breaks, see .assemble) once its sections are
measured. In the meantime the front matter is laid out once, its page numbers placeholders; when every
section is done the numbers are written over them as the document is merged (render.contents).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..cache import BuildCache
from ..charts import RenderedChart, chart_style, draw_chart, draw_slide_chart
from ..content.model import Report
from ..formatting import Formatter
from ..progress import Progress, Silent
from ..render.common import FOLIOS, Contents, accessible_theme
from ..render.html import HtmlRenderer
from ..render.pdf import PROFILES, PdfPiece
from . import tasks
from .assemble import Layout, add_warnings, attachments, numbering, page_record
from .keys import HTML_LAYOUTS, PieceKeys, charts_of, page_of, piece_from_cache, piece_meta
from .schedule import PRIORITY_CHART, PRIORITY_FIRST, Schedule
from .workers import Workers

STAGES = {"pdf": "Laying out the A4 pages", "slides": "Laying out the slide pages"}
DECK_STAGE = "Writing the PowerPoint deck"
CHART_STAGE = "Drawing the charts"
TITLE_PART = -1  # the deck's title slide among its parts (render.deck.parts.TITLE: python-pptx not imported here)
CHART_TARGETS = {"pdf": "print", "slides": "slide"}  # output format → what its charts are drawn for


@dataclass
class RenderedOutputs:
    files: dict[str, bytes] = field(default_factory=dict)  # output format → file content
    layouts: dict[str, dict] = field(default_factory=dict)  # layout → pages, section pages, front pages
    warnings: list[str] = field(default_factory=list)
    # what was rendered rather than taken from the cache: "pdf:ieep", "slides:front", "chart:…", "pptx"
    rendered: list[str] = field(default_factory=list)
    reused: int = 0  # pieces taken from the cache


class _Run:
    def __init__(self, report: Report, formatter: Formatter, root: Path, formats: tuple[str, ...],
                 page_map: dict | None, section: str | None, workers: Workers, cache: BuildCache,
                 progress: Progress, pdf_profile: str):
        self.report, self.formatter, self.root = report, formatter, root
        self.formats, self.page_map, self.section = formats, page_map or {}, section
        self.cache, self.progress, self.pdf_profile = cache, progress, pdf_profile
        self.workers = workers
        self.schedule = Schedule(workers)
        self.keys = PieceKeys(report, formatter, root)
        self.out = RenderedOutputs()
        # target → chart id → drawing: each paged output waits only for its own drawings
        self.charts: dict[str, dict[str, RenderedChart]] = {target: {} for target in CHART_TARGETS.values()}
        self.charts_wanted = 0
        self.layouts: dict[str, Layout] = {}

    def run(self) -> RenderedOutputs:
        try:
            paged = [fmt for fmt in self.formats if fmt in HTML_LAYOUTS]
            if paged:  # first: the workers start on them while the rest is queued
                self._start_charts(sorted({CHART_TARGETS[fmt] for fmt in paged}))
                for fmt in paged:
                    self._start_layout(fmt)
            if "pptx" in self.formats:
                self._deck()
            self.schedule.run()
        except BaseException:
            self.workers.close(interrupted=True)
            raise
        self.workers.close()
        return self.out

    # -- the deck

    def _deck(self) -> None:
        """The whole deck from the cache, or from its parts: the title slide and each top-level
        section, each kept on its own, so that an edit makes again only the slides it touches."""
        key = self.keys.deck()
        cached = self.cache.get("deck", key)
        if cached is not None:
            self.out.reused += 1
            self.progress.stage(DECK_STAGE, 1)
            self._deck_done(key, cached[0], cached=True)
            return
        report = self.report
        which = ([] if report.partial else [TITLE_PART]) + list(range(len(report.sections)))
        parts: dict[int, bytes] = {}
        missing = []
        for index in which:
            part_key = self.keys.deck_part(report.sections[index] if index != TITLE_PART else None)
            entry = self.cache.get("deck_part", part_key)
            if entry is not None:
                self.out.reused += 1
                parts[index] = entry[0]
            else:
                missing.append((index, part_key))
        self.progress.stage(DECK_STAGE, len(missing) + 1)

        def assemble() -> None:
            self.schedule.submit_here(lambda data: self._deck_done(key, data), tasks.assemble_deck,
                                      report, self.formatter, self.root, [parts[index] for index in which])

        def part_done(index: int, part_key: str, data: bytes) -> None:
            name = "title" if index == TITLE_PART else report.sections[index].id
            self.out.rendered.append(f"pptx:{name}")
            self.cache.put("deck_part", part_key, data)
            parts[index] = data
            self.progress.advance(DECK_STAGE)
            if len(parts) == len(which):
                assemble()

        if not missing:
            assemble()
        for index, part_key in missing:  # here, while the workers draw and lay out
            self.schedule.submit_here(lambda data, i=index, k=part_key: part_done(i, k, data),
                                      tasks.deck_part, report, self.formatter, self.root, index)

    def _deck_done(self, key: str, data: bytes, cached: bool = False) -> None:
        if not cached:
            self.out.rendered.append("pptx")
            self.cache.put("deck", key, data)
        self.out.files["pptx"] = data
        self.progress.advance(DECK_STAGE)
        self.progress.done(DECK_STAGE)

    # -- charts

    def _start_charts(self, targets: list[str]) -> None:
        """Each chart drawn for each target the outputs need (the A4 column, the slides)."""
        specs = self.report.charts()
        if not specs:
            return
        style = chart_style(self.report.meta.theme, self.formatter)
        self.charts_wanted = len(specs) * len(targets)
        missing = []
        for target in targets:
            for spec in specs:
                key = self.keys.chart(spec, style, target)
                drawings = _drawings(self.cache.get("chart", key))
                if drawings is not None:
                    self.out.reused += 1
                    self.charts[target][spec.id] = _rendered(spec, target, drawings)
                else:
                    missing.append((target, spec, key))
        if missing:
            self.progress.stage(CHART_STAGE, len(missing))
        for target, spec, key in missing:
            if target == "print":
                self.schedule.submit(PRIORITY_CHART, lambda drawn, spec=spec, key=key:
                                     self._chart_done(spec, key, "print", (drawn[0],)), draw_chart, spec, style)
            else:
                self.schedule.submit(PRIORITY_CHART, lambda drawn, spec=spec, key=key, target=target:
                                     self._chart_done(spec, key, target, drawn), draw_slide_chart, spec, style)

    def _chart_done(self, spec, key: str, target: str, drawings: tuple[bytes, ...]) -> None:
        self.out.rendered.append(f"chart:{spec.id}" if target == "print" else f"chart:{spec.id}:{target}")
        if len(drawings) == 1:
            self.cache.put("chart", key, drawings[0])
        else:  # the parts of a split chart, one after the other
            self.cache.put("chart", key, b"".join(drawings), {"parts": [len(d) for d in drawings]})
        self.charts[target][spec.id] = _rendered(spec, target, drawings)
        self.progress.advance(CHART_STAGE)
        if sum(len(drawn) for drawn in self.charts.values()) == self.charts_wanted:
            self.progress.done(CHART_STAGE)
        for layout in self.layouts.values():
            self._schedule_ready(layout)

    # -- paged outputs

    def _start_layout(self, fmt: str) -> None:
        # the slide PDF is for screens: the archival profile concerns the A4 document
        variant = PROFILES[self.pdf_profile if fmt == "pdf" else "standard"]
        name = HTML_LAYOUTS[fmt]
        renderer = HtmlRenderer(self.report, self.formatter, self.root, self.charts[CHART_TARGETS[fmt]], name,
                                archival=variant != PROFILES["standard"])
        # the slides keep a slide per section: where the A4 pages break is the report's style
        breaks = self.report.meta.theme.page_breaks if fmt == "pdf" else "chapters"
        layout = Layout(fmt, name, variant, renderer, renderer.css(), self.report.sections, breaks)
        self.layouts[fmt] = layout
        self.progress.stage(STAGES[fmt], len(layout.sections) + (0 if self.report.partial else 1))
        if not self.report.partial:
            # the contents laid out once, now, in parallel with the sections: their page numbers
            # are placeholders, written in at the merge (render.contents); nothing else on the
            # page depends on them, so the placeholders also say how long the contents are
            placeholders = {section.id: index for index, section in enumerate(self.report.walk())}
            html = renderer.document(front=True, sections=[], toc_pages=placeholders, toc_placeholders=True)
            self._lay_out(layout, html, "front", lambda piece: self._front_laid_out(layout, piece), PRIORITY_CHART,
                          numbers=html.count(' data-page="'))
        self._schedule_ready(layout)

    def _known_piece(self, source: str | None) -> PdfPiece | None:
        page = page_of(self.cache.get("page_source", source)) if source else None
        return piece_from_cache(self.cache.get("page", page)) if page else None

    def _schedule_ready(self, layout: Layout) -> None:
        """Each section whose charts are there laid out on its own (its measure, and the piece
        of a run it holds alone), then the runs known so far."""
        charts = self.charts[CHART_TARGETS[layout.fmt]]
        ready = [i for i, section in enumerate(layout.sections) if layout.measured
                 and i not in layout.scheduled and charts_of(section) <= charts.keys()]
        missing = {}
        for index in ready:
            source = self.keys.page_source(layout.name, layout.variant, layout.css, layout.sections[index], charts)
            piece = self._known_piece(source)
            if piece is not None:
                layout.scheduled.add(index)
                self.out.reused += 1
                self._alone_done(layout, index, piece)
            else:
                missing[index] = source
        longer = {run[0] for run in layout.runs() if len(run) > 1}  # with what the cache measured
        documents = {}
        for index, source in missing.items():
            if index in longer and not layout.needs_measure(index):
                layout.scheduled.add(index)  # it starts a page whatever its length: only its run is laid out
                layout.unmeasured.add(index)
            else:
                documents[index] = (layout.renderer.document(front=False, sections=[layout.sections[index]]), source)
        # the longest documents first, so that no big piece is left for the end
        for index in sorted(documents, key=lambda i: -len(documents[i][0])):
            layout.scheduled.add(index)
            html, source = documents[index]
            self._lay_out(layout, html, layout.sections[index].id,
                          lambda piece, i=index: self._alone_done(layout, i, piece), source=source)
        self._schedule_runs(layout)

    def _alone_done(self, layout: Layout, index: int, piece: PdfPiece) -> None:
        layout.alone[index] = piece
        self._schedule_runs(layout)

    def _schedule_runs(self, layout: Layout) -> None:
        """The runs decided so far whose sections' charts are there: a section alone in its
        run is its own piece; a longer run is laid out as one document."""
        charts = self.charts[CHART_TARGETS[layout.fmt]]
        for run in layout.runs():
            sections = [layout.sections[i] for i in run]
            if run in layout.started or not all(charts_of(s) <= charts.keys() for s in sections):
                continue
            if len(run) == 1 and run[0] in layout.alone:
                layout.started.add(run)
                self._piece_done(layout, run, layout.alone[run[0]])
                continue
            if len(run) == 1 and layout.measured and run[0] not in layout.unmeasured:
                continue  # its own layout is under way
            layout.started.add(run)
            source = self.keys.page_source(layout.name, layout.variant, layout.css, sections, charts)
            piece = self._known_piece(source)
            if piece is not None:
                self.out.reused += 1
                self._piece_done(layout, run, piece)
                continue
            ids = [section.id for section in sections]
            html = layout.renderer.document(front=False, sections=sections, run_on=ids[1:])
            self._lay_out(layout, html, "+".join(ids), lambda piece, run=run: self._piece_done(layout, run, piece),
                          source=source)

    def _lay_out(self, layout: Layout, html: str, name: str, then: Callable[[PdfPiece], None],
                 priority: float | None = None, source: str | None = None, numbers: int = 0) -> None:
        key = self.keys.page(layout.name, layout.variant, html, layout.css)
        if source:  # next time, found from the sources alone
            self.cache.put("page_source", source, b"", {"page": key})
        piece = piece_from_cache(self.cache.get("page", key))
        if piece is not None:
            self.out.reused += 1
            then(piece)
            return

        def store(piece: PdfPiece) -> None:
            self.out.rendered.append(f"{layout.fmt}:{name}")
            self.cache.put("page", key, piece.data, piece_meta(piece))
            then(piece)

        # a piece's size stands for its cost: the longest go first, no big one is left for the end
        self.schedule.submit(len(html) if priority is None else priority, store, tasks.lay_out, html, layout.css,
                             self.root, layout.variant, numbers)

    def _piece_done(self, layout: Layout, run: tuple[int, ...], piece: PdfPiece) -> None:
        if not layout.keeps(run, piece):  # cut where the run left a hole: its parts are laid out instead
            self._schedule_runs(layout)
            return
        layout.pieces[run] = piece
        self.progress.advance(STAGES[layout.fmt], len(run))
        if layout.complete:
            if self.report.partial:
                self._merge(layout)
            elif layout.front_pages is not None:
                self._contents_ready(layout)

    def _front_laid_out(self, layout: Layout, piece: PdfPiece) -> None:
        layout.front_pages = piece.pages
        if piece.contents and max(piece.contents) < sum(1 for _ in self.report.walk()):  # all can be written in
            layout.front = dataclasses.replace(piece, section_pages={})  # its anchors only stand in for the sections'
            self.progress.advance(STAGES[layout.fmt])
        if layout.complete:
            self._contents_ready(layout)

    def _contents_ready(self, layout: Layout) -> None:
        if layout.front is not None:
            self._merge(layout)
        else:  # a project's own templates draw the numbers otherwise: laid out with them
            self._front(layout)

    def _front(self, layout: Layout) -> None:
        html = layout.renderer.document(front=True, sections=[], toc_pages=layout.toc_pages())
        # on the way to the merged file: before any piece still queued
        self._lay_out(layout, html, "front-numbers", lambda piece: self._front_done(layout, piece), PRIORITY_FIRST)

    def _front_done(self, layout: Layout, piece: PdfPiece) -> None:
        if piece.pages != layout.front_pages:
            # the contents took another number of pages than assumed: number again
            layout.front_pages = piece.pages
            self._front(layout)
            return
        layout.front = dataclasses.replace(piece, section_pages={})  # its anchors only stand in for the sections'
        self.progress.advance(STAGES[layout.fmt])
        self._merge(layout)

    def _merge(self, layout: Layout) -> None:
        self.progress.done(STAGES[layout.fmt])
        pieces = layout.in_order()
        first, total = numbering(layout, self.page_map, self.section)
        add_warnings(self.out.warnings, layout, pieces)

        def merged(result) -> None:
            self.out.files[layout.fmt] = result.data
            self.out.layouts[layout.name] = page_record(layout, result)

        archival = layout.variant != PROFILES["standard"]
        attached = attachments(self.report) if archival else ()
        # in a worker: the A4 and the slide PDF are merged at the same time
        theme = accessible_theme(self.report.meta.theme)
        contents = None
        if layout.front is not None and layout.front.contents:
            printed, walk = layout.toc_pages(), list(self.report.walk())
            contents = Contents({i: str(printed[walk[i].id]) for i in layout.front.contents}, theme.text)
        self.schedule.submit(PRIORITY_FIRST, merged, tasks.merge, pieces, FOLIOS[layout.name], theme.muted, first,
                             total, archival, attached, self.report.meta.document_date, contents)


def _drawings(entry: tuple[bytes, dict] | None) -> tuple[bytes, ...] | None:
    """A chart's drawings from its cache entry (several: a chart split over slides); None for
    no entry or one whose parts do not add up."""
    if entry is None:
        return None
    data, meta = entry
    lengths = meta.get("parts", [len(data)])
    if not isinstance(lengths, list) or not all(isinstance(n, int) and n > 0 for n in lengths) \
            or sum(lengths) != len(data):
        return None
    drawings, start = [], 0
    for length in lengths:
        drawings.append(data[start:start + length])
        start += length
    return tuple(drawings)


def _rendered(spec, target: str, drawings: tuple[bytes, ...]) -> RenderedChart:
    return RenderedChart(spec, drawings[0], None) if target == "print" else RenderedChart.for_slides(spec, drawings)


def render_outputs(report: Report, formatter: Formatter, root: Path, formats: tuple[str, ...], *,
                   page_map: dict | None = None, section: str | None = None, jobs: int | None = None,
                   workers: Workers | None = None, cache: BuildCache | None = None,
                   progress: Progress | None = None, pdf_profile: str = "standard") -> RenderedOutputs:
    """Render ``formats`` (pdf, slides, pptx) of ``report``. ``page_map``: the pages of the
    last full build (the numbers of a section built alone); ``jobs``:
    worker processes (default: the number of cores), or ``workers`` already started (closed
    when done); ``pdf_profile``: standard (PDF/UA-1) or archival (PDF/A-3u and PDF/UA-1, the
    tables attached)."""
    return _Run(report, formatter, root, formats, page_map, section, workers or Workers(jobs),
                cache or BuildCache(None), progress or Silent(), pdf_profile).run()
