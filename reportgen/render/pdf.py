"""HTML to A4 PDF with WeasyPrint, reading only files inside the project and the bundled
assets (and inline ``data:`` URIs, used for the charts): a narrative or template can never
make the renderer reach the network or read ``/etc/passwd``. WeasyPrint's own warnings (a missing image, a refused URL) are collected
and returned so the build can report them."""

from __future__ import annotations

import hashlib
import logging
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from ..resources import assets_dir


def _fetcher_class():
    from weasyprint import URLFetcher

    class ProjectFetcher(URLFetcher):
        """Serves ``file:`` URLs below the allowed folders; refuses everything else."""

        def __init__(self, allowed: list[Path]):
            super().__init__(allowed_protocols={"file", "data"})
            self.allowed = [p.resolve() for p in allowed]

        def fetch(self, url, headers=None):
            parsed = urllib.parse.urlparse(url)
            if parsed.scheme == "data":  # inline content (the charts): nothing is read or fetched
                return super().fetch(url, headers)
            if parsed.scheme != "file":
                raise ValueError(f"only files inside the project can be used, not {url}")
            path = Path(urllib.parse.unquote(parsed.path)).resolve()
            if not any(path.is_relative_to(root) for root in self.allowed):
                raise ValueError(f"{path} is outside the project folder")
            return super().fetch(url, headers)

    return ProjectFetcher


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@dataclass(frozen=True, slots=True)
class RenderedPdf:
    data: bytes
    warnings: list[str]
    pages: int
    section_pages: dict[str, int]  # section id → its first page (1-based)


def render_pdf(html: str, css: str, project_root: Path, variant: str | None = "pdf/ua-1") -> RenderedPdf:
    """Lay out and write the PDF, tagged for accessibility (PDF/UA-1) by default."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fetcher = _fetcher_class()([project_root, assets_dir()])
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        fonts = FontConfiguration()  # @font-face rules only apply through a shared configuration
        document = HTML(string=html, base_url=project_root.resolve().as_uri() + "/", url_fetcher=fetcher)
        stylesheet = CSS(string=css, url_fetcher=fetcher, base_url=assets_dir().as_uri() + "/", font_config=fonts)
        # An identifier derived from the content keeps the bytes identical between builds
        # of the same input (the default one is random).
        identifier = hashlib.sha256((html + css).encode("utf-8")).hexdigest()[:32].encode("ascii")
        options = {"pdf_identifier": identifier, "pdf_variant": variant}
        laid_out = document.render(stylesheets=[stylesheet], font_config=fonts, **options)
        section_pages: dict[str, int] = {}
        for number, page in enumerate(laid_out.pages, start=1):
            for anchor in page.anchors:
                if anchor.startswith("s-"):
                    section_pages.setdefault(anchor[2:], number)
        data = laid_out.write_pdf(**options)
    finally:
        logger.removeHandler(handler)
    return RenderedPdf(data, handler.messages, len(laid_out.pages), section_pages)
