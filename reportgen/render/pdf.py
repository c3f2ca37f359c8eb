"""HTML to A4 PDF with WeasyPrint, reading only files inside the project and the bundled
assets (and inline ``data:`` URIs, used for the charts): a narrative or template can never
make the renderer reach the network or read ``/etc/passwd``. WeasyPrint's own warnings (a
missing image, a refused URL) are collected and returned so the build can report them.

A document is laid out in pieces (the front matter, runs of top-level sections) that worker
processes render in parallel and a cache keeps; :mod:`reportgen.render.merge` joins them."""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import io
import logging
import sys
import urllib.parse
import warnings
from dataclasses import dataclass
from pathlib import Path

from ..resources import assets_dir

MAX_RESOURCE_BYTES = 50 * 1024 * 1024  # an image of the project: the limit of every input


def import_weasyprint() -> None:
    """Import WeasyPrint, a third faster than a plain import on Linux.

    WeasyPrint tries several names for each C library it uses (Pango, HarfBuzz, fontconfig…),
    the Linux soname last; cffi hands every name the dynamic loader refuses to
    ``ctypes.util.find_library``, which runs ``ldconfig``, ``gcc`` and ``ld`` each time: some
    fifty processes and ~0,3 s at the start of every build process. The sonames are loaded
    by the loader itself, so that search is left out; a system where only the search finds
    the libraries gets a second, ordinary import."""
    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        import weasyprint  # noqa: F401
        return
    import ctypes.util

    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # its advice on a failed import: said by the second
            import weasyprint  # noqa: F401
    except OSError:
        for name in [name for name in sys.modules if name == "weasyprint" or name.startswith("weasyprint.")]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = search
    import weasyprint  # noqa: F401,F811


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
            if path.exists() and not path.is_file():  # a FIFO would never end, a device never stop
                raise ValueError(f"{path} is not a regular file")
            if path.is_file() and path.stat().st_size > MAX_RESOURCE_BYTES:
                raise ValueError(f"{path} is larger than {MAX_RESOURCE_BYTES // (1024 * 1024)} MB")
            if path.suffix.lower() in _RASTER:
                _check_pixels(path)
            return super().fetch(url, headers)

    return ProjectFetcher


_RASTER = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp")


def _check_pixels(path: Path) -> None:
    """Refuse a picture whose header claims more pixels than a report can print, before
    WeasyPrint decodes it: a few hundred bytes can claim 40000 × 40000 (6,4 GB once decoded)."""
    from PIL import Image, UnidentifiedImageError

    from ..load.pictures import MAX_PIXELS

    try:
        with warnings.catch_warnings():  # Pillow's own bomb warning: the bound below is lower
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:  # the header only
                width, height = image.size
    except Image.DecompressionBombError:
        raise ValueError(f"{path} has more pixels than Pillow decodes") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return  # not a picture Pillow knows, or damaged: WeasyPrint reports it in its own words
    if width * height > MAX_PIXELS:
        raise ValueError(f"{path} is {width} × {height} pixels: at most {MAX_PIXELS:,}")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


#: the PDF profiles of report.yaml (``pdf: {profile: …}``) → WeasyPrint's variant for the layout;
#: the archival one is completed after the merge (PDF/UA-1 declared, tables attached)
PROFILES = {"standard": "pdf/ua-1", "archival": "pdf/a-3u"}

#: CSS page names (``page:`` property) of pages that carry no page number: the cover, the slide dividers
UNNUMBERED_PAGES = frozenset({"cover", "divider"})


@dataclass(frozen=True, slots=True)
class PdfPiece:
    """A part of a document laid out on its own (the front matter, some sections): merged
    with the others into the published PDF by :mod:`reportgen.render.merge`."""

    data: bytes
    pages: int
    section_pages: dict[str, int]  # section id → its first page in this piece (0-based)
    unnumbered: tuple[int, ...]  # pages (0-based) of a page type without a page number
    warnings: tuple[str, ...] = ()
    last_fill: float = 1.0  # how much of its last page's text area is used, 0 to 1: how long the piece is
    # the contents' page numbers it holds as placeholders, as the indices of their sections in
    # report.walk(), when all can be written in at the merge (render.contents)
    contents: tuple[int, ...] = ()


def _last_fill(page) -> float:
    """The share of the page's text area above the bottom of its lowest content box (WeasyPrint's
    page boxes: the running heads are margin boxes, outside the ``html`` box measured)."""
    page_box = getattr(page, "_page_box", None)
    if page_box is None:
        return 1.0
    top, height = page_box.content_box_y(), page_box.height
    bottom, stack = top, [child for child in page_box.children if getattr(child, "element_tag", None) == "html"]
    while stack:
        box = stack.pop()
        children = getattr(box, "children", None)
        if children:
            stack.extend(children)
        else:  # a box with nothing inside (a line's text, a picture, an empty cell): where content ends
            bottom = max(bottom, box.position_y + box.margin_height())
    return min(1.0, max(0.0, (bottom - top) / height)) if height > 0 else 1.0


def _page_name(page) -> str:
    # WeasyPrint keeps the page type (with the CSS page name) on the laid-out page box only
    page_type = getattr(getattr(page, "_page_box", None), "page_type", None)
    return getattr(page_type, "name", "") or ""


_STYLESHEETS: dict[tuple[str, str], tuple[object, object, tuple[str, ...]]] = {}
# let go before the interpreter tears modules down: WeasyPrint's font configuration cleans up
# through them, and would print an ignored exception at exit
atexit.register(_STYLESHEETS.clear)


def _stylesheet(css: str, project_root: Path, fetcher):
    """The parsed stylesheet with its fonts, and the warnings parsing gave: the same for every
    piece of a document, so a process parses it once (a tenth of a second per piece)."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    key = (css, str(project_root.resolve()))
    if key not in _STYLESHEETS:
        handler = _Collect()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(handler)
        try:
            fonts = FontConfiguration()  # @font-face rules only apply through a shared configuration
            stylesheet = CSS(string=css, url_fetcher=fetcher, base_url=assets_dir().as_uri() + "/", font_config=fonts)
        finally:
            logger.removeHandler(handler)
        if len(_STYLESHEETS) >= 4:
            _STYLESHEETS.pop(next(iter(_STYLESHEETS)))
        _STYLESHEETS[key] = (stylesheet, fonts, tuple(handler.messages))
    return _STYLESHEETS[key]


def _identifier(source: str, project_root: Path) -> bytes:
    """The document identifier, from what the document says rather than where it was made:
    the HTML holds the absolute paths of the project and of reportgen's fonts, which differ
    between two clones or two CI runners building the same project."""
    for folder, name in ((assets_dir(), "assets:"), (project_root, "project:")):
        source = source.replace(folder.resolve().as_uri(), name)
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:32].encode("ascii")


def render_pdf(html: str, css: str, project_root: Path, variant: str | None = "pdf/ua-1") -> PdfPiece:
    """Lay out and write one HTML document as a PDF, tagged for accessibility (PDF/UA-1) by
    default. Pages are not numbered here: numbers are added when the pieces are merged."""
    import_weasyprint()
    from weasyprint import HTML

    fetcher = _fetcher_class()([project_root, assets_dir()])
    stylesheet, fonts, css_warnings = _stylesheet(css, project_root, fetcher)
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        document = HTML(string=html, base_url=project_root.resolve().as_uri() + "/", url_fetcher=fetcher)
        # An identifier derived from the content keeps the bytes identical between builds
        # of the same input (the default one is random).
        identifier = _identifier(html + css, project_root)
        # always tagged: the archival variant (PDF/A-3u) does not ask for tags by itself
        options = {"pdf_identifier": identifier, "pdf_variant": variant, "pdf_tags": variant is not None}
        laid_out = document.render(stylesheets=[stylesheet], font_config=fonts, **options)
        section_pages: dict[str, int] = {}
        unnumbered = []
        for number, page in enumerate(laid_out.pages):
            for anchor in page.anchors:
                if anchor.startswith("s-"):
                    section_pages.setdefault(anchor[2:], number)
            if _page_name(page) in UNNUMBERED_PAGES:
                unnumbered.append(number)
        data = laid_out.write_pdf(**options)
    finally:
        logger.removeHandler(handler)
    warnings = tuple(dict.fromkeys((*css_warnings, *handler.messages)))
    fill = _last_fill(laid_out.pages[-1]) if laid_out.pages else 0.0
    return PdfPiece(data, len(laid_out.pages), section_pages, tuple(unnumbered), warnings, round(fill, 4))
