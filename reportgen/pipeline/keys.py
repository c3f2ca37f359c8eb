"""The cache keys of a build's pieces: a digest of everything a piece is made from, and nothing else.

A piece whose key is in the cache is not rendered again. So a key must change whenever
something the piece shows changes (its HTML, the stylesheet, a file it reads, a chart, the
tool's versions) and should not change otherwise, or an edit of one section would lay out
the whole report again.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

from ..charts import ChartStyle, RenderedChart
from ..content.chartspec import ChartSpec
from ..content.model import ChartBlock, Report, Section, TextBlock
from ..digest import bundled_digest, digest, file_digest, url_digest
from ..formatting import Formatter
from ..render.pdf import PdfPiece
from ..resources import assets_dir

HTML_LAYOUTS = {"pdf": "pdf", "slides": "slides"}  # output format → HTML layout (the deck has its own)
_FILE_URL = re.compile(r"file://[^\s\"'()<>]+")
_DIGEST = re.compile(r"[0-9a-f]{64}")
FILL_SCALE = 10_000  # the cache's metadata holds integers, not floats: a fill in ten-thousandths
_RELATIVE_SRC = re.compile(r"""\ssrc=["']([^"':#?]+)["']""")  # a narrative's image, inside the project


def charts_of(section: Section) -> set[str]:
    """The charts a section and its subsections show: its pages wait for them."""
    return {b.spec.id for s in section.walk() for b in s.blocks if isinstance(b, ChartBlock)}


def piece_from_cache(entry: tuple[bytes, dict] | None) -> PdfPiece | None:
    """A laid-out piece from its cache entry; None for no entry or one that does not read back."""
    if entry is None:
        return None
    data, meta = entry
    try:
        return PdfPiece(data, int(meta["pages"]), {str(k): int(v) for k, v in meta["section_pages"].items()},
                        tuple(int(i) for i in meta["unnumbered"]), tuple(str(w) for w in meta["warnings"]),
                        int(meta["last_fill"]) / FILL_SCALE, tuple(int(i) for i in meta.get("contents", ())))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def piece_meta(piece: PdfPiece) -> dict:
    return {"pages": piece.pages, "section_pages": piece.section_pages, "unnumbered": list(piece.unnumbered),
            "warnings": list(piece.warnings), "last_fill": round(piece.last_fill * FILL_SCALE),
            "contents": list(piece.contents)}


def page_of(entry: tuple[bytes, dict] | None) -> str | None:
    """The page key a ``page_source`` entry points at; the cache is on disk, so it is checked."""
    page = entry[1].get("page") if entry else None
    return page if isinstance(page, str) and _DIGEST.fullmatch(page) else None


class PieceKeys:
    """The keys of one build. Files read by several pieces and each section are hashed once."""

    def __init__(self, report: Report, formatter: Formatter, root: Path):
        self.report, self.formatter, self.root = report, formatter, root
        # a project's templates may read the whole report: their pieces are keyed on the HTML only
        self.own_templates = (root / "templates").is_dir()
        self.file_digests: dict[str, str] = {}
        self.section_digests: dict[str, str] = {}

    def file(self, url: str) -> str:
        """A file the document names: read only when it is inside the project or the bundled
        assets (any ``file://`` text of a narrative reaches the HTML: never a reason to open it)."""
        if url not in self.file_digests:
            self.file_digests[url] = url_digest(url, (self.root, assets_dir()))
        return self.file_digests[url]

    def section(self, section: Section) -> str:
        if section.id not in self.section_digests:
            self.section_digests[section.id] = digest(section)
        return self.section_digests[section.id]

    def _images(self, html: str) -> set[str]:
        return {(self.root / urllib.parse.unquote(src)).resolve().as_uri() for src in _RELATIVE_SRC.findall(html)}

    @cached_property
    def _deck_inputs(self) -> list:
        """What every slide may show besides its section: the template, the logo, the fonts,
        the theme and the report's metadata (hashed once per build)."""
        report = self.report
        theme = report.meta.theme
        files = [self.root / name for name in (theme.logo, theme.emblem, theme.pptx_template) if name]
        return [report.meta, report.partial, self.formatter, [file_digest(p) for p in files if p.is_file()],
                bundled_digest()]

    def deck(self) -> str:
        return digest("deck", self._deck_inputs, [self.section(s) for s in self.report.sections])

    def deck_part(self, section: Section | None) -> str:
        """A part of the deck: the title slide (None) or a top-level section's slides.

        The title part holds the contents slide too, which lists every chapter's heading (no
        slide numbers): they are in its key. A section's slides do not depend on where it
        stands (the assembly numbers them, and makes titles unique across the deck), but
        whether it opens with a divider depends on whether any chapter has subsections
        (render.deck.slides.has_divider): that is in its key."""
        report = self.report
        if section is None:
            return digest("deck_part", self._deck_inputs, "title", [s.heading for s in report.sections])
        return digest("deck_part", self._deck_inputs, self.section(section),
                      any(chapter.children for chapter in report.sections))

    def chart(self, spec: ChartSpec, style: ChartStyle, target: str = "print") -> str:
        """A chart drawn for ``target`` (print: the A4 column; slide: a slide, maybe in parts).
        The print key is the one the preview's memory uses too."""
        if target == "print":
            return digest("chart", spec, style, bundled_digest())  # the fonts the labels are set in
        return digest("chart", spec, style, target, bundled_digest())

    def page(self, layout: str, variant: str, html: str, css: str) -> str:
        """The key of a piece laid out from ``html``: the document and the files it reads (a
        replaced image of the same name must not reuse the old page)."""
        urls = set(_FILE_URL.findall(html + css)) | self._images(html)
        files = [(url, self.file(url)) for url in sorted(urls)]
        return digest("page", layout, variant, html, css, files)

    def page_source(self, layout: str, variant: str, css: str, sections: Section | Sequence[Section],
                    charts: dict[str, RenderedChart]) -> str | None:
        """A key of what the document of a section, or of a run of sections laid out together,
        is made of, known before its HTML is written: a piece whose sources did not change
        costs no templating at all. Only reportgen's own templates are known to read nothing
        but the sections and the report's metadata; with a project's templates there is none
        (None)."""
        if self.own_templates:
            return None
        run = (sections,) if isinstance(sections, Section) else tuple(sections)
        html = "".join(block.narrative.html for section in run for inner in section.walk()
                       for block in inner.blocks if isinstance(block, TextBlock))
        drawn = [(chart, charts[chart].drawings) for chart in sorted(set().union(*map(charts_of, run)))]
        return digest("page_source", layout, variant, css, str(self.root), str(assets_dir()), bundled_digest(),
                      self.report.meta, self.formatter, [self.section(section) for section in run], drawn,
                      [(url, self.file(url)) for url in sorted(self._images(html))])
