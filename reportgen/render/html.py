"""The report as one HTML document, for WeasyPrint: Jinja templates from the project's
``templates/`` folder first (to override the look), then reportgen's own.

Templates are treated as untrusted like narratives: a sandboxed environment with
autoescaping. Narrative HTML comes from the Markdown renderer with raw HTML disabled, so it
is marked safe; every other value is escaped.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Collection
from functools import lru_cache
from pathlib import Path

import jinja2
from jinja2 import ChoiceLoader, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, TemplateError
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from ..charts import RenderedChart
from ..content.model import Report, Section
from ..errors import InputError, Location
from ..formatting import Formatter
from ..load.files import MAX_YAML_BYTES as MAX_TEMPLATE_BYTES
from ..load.files import checked_path
from ..resources import assets_dir, templates_dir
from .common import CONTENTS_PLACEHOLDER_CSS, FOLIOS, accessible_theme, cell_text, header_text, iso_date, tone


def css_string(value: object) -> Markup:
    """A CSS string literal: quotes, backslashes and line ends escaped the CSS way (HTML
    escaping would print ``&#34;``), and ``<`` so that it cannot close a style element."""
    text = str(value)
    for char, escape in (("\\", "\\\\"), ('"', "\\22 "), ("\n", "\\A "), ("\r", ""), ("<", "\\3C ")):
        text = text.replace(char, escape)
    return Markup(f'"{text}"')


class ProjectLoader(FileSystemLoader):
    """The project's own templates: like Jinja's file loader, but a template (or an included
    file, or the folder holding it) that is a link leading out of the project, a FIFO or a
    huge file is refused rather than read into the PDF."""

    def __init__(self, project_root: Path):
        super().__init__(str(project_root / "templates"))
        self.project_root = project_root

    def get_source(self, environment, template):
        parts = split_template_path(template)  # refuses ".." itself
        candidate = self.project_root / "templates" / Path(*parts) if parts else None
        if candidate is not None and os.path.lexists(candidate):
            checked_path(self.project_root, candidate, f"templates/{'/'.join(parts)}", MAX_TEMPLATE_BYTES)
        return super().get_source(environment, template)


def _own_files(folder: Path) -> tuple[str, ...]:
    # os.walk does not enter linked folders: two links to "." cannot make it loop
    found = []
    for here, dirs, names in os.walk(folder):
        dirs.sort()
        found += [(Path(here) / name).relative_to(folder).as_posix() for name in [*dirs, *sorted(names)]]
    return tuple(sorted(found))


def environment(project_root: Path) -> SandboxedEnvironment:
    """The templates' environment, shared while the project's own templates stay the same
    files: compiled templates are kept (the preview rebuilds at every save), and Jinja
    reloads a template whose file changed."""
    own = project_root / "templates"
    files = _own_files(own) if own.is_dir() else None
    return _environment(project_root.resolve(), files)


@lru_cache(maxsize=8)
def _environment(project_root: Path, own_files: tuple[str, ...] | None) -> SandboxedEnvironment:
    loaders = []
    if own_files is not None:  # a file added or removed makes another environment
        loaders.append(ProjectLoader(project_root))
    loaders.append(FileSystemLoader(str(templates_dir())))
    env = SandboxedEnvironment(loader=ChoiceLoader(loaders), autoescape=True, undefined=StrictUndefined,
                               trim_blocks=True, lstrip_blocks=True, bytecode_cache=_compiled_templates())
    env.filters["css_string"] = css_string
    return env


class _CompiledTemplates(FileSystemBytecodeCache):
    """Compiled templates kept between runs (a tenth of a second of every build's start):
    Jinja recompiles a template whose source changed. A cache that cannot be written is no
    cache, never an error."""

    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


@lru_cache(maxsize=1)
def _compiled_templates() -> _CompiledTemplates | None:
    # the user's own cache folder, one per version of this module and of Jinja: how a template
    # compiles depends on the environment's options, set here, not only on its source
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    version = hashlib.sha256(Path(__file__).read_bytes() + jinja2.__version__.encode()).hexdigest()[:16]
    folder = Path(home) / "reportgen" / f"templates-{version}"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    return _CompiledTemplates(str(folder))


def _data_url(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


class HtmlRenderer:
    """Renders the report's HTML documents for one layout (``pdf``: A4, ``slides``: 16:9)
    from ``templates/<layout>/``: the whole report in one document, or pieces of it (the
    front matter, some top-level sections) that are laid out separately and merged. Fonts
    are referenced inside the bundled assets; charts, drawn beforehand, are inlined as SVG."""

    def __init__(self, report: Report, formatter: Formatter, project_root: Path,
                 charts: dict[str, RenderedChart] | None = None, layout: str = "pdf", archival: bool = False):
        self.report, self.layout = report, layout
        self.charts = charts if charts is not None else {}
        self.env = environment(project_root)
        self.context = {
            "report": report,
            "meta": report.meta,
            "theme": accessible_theme(report.meta.theme),  # text colours reach 4.5:1 on their backgrounds
            "lang": report.meta.locale.replace("_", "-"),
            "fonts_url": (assets_dir() / "fonts").as_uri(),
            "created": iso_date(report.meta.document_date),
            "approval_date": formatter.date(report.meta.approval_date) if report.meta.approval_date else "",
            "cell": lambda column, figure: cell_text(formatter, column, figure),
            "header": header_text,
            "tone": tone,
            "fmt": formatter.figure,
            "long_date": formatter.date,
            "chart_src": self._chart_src,
            "chart_srcs": self._chart_srcs,
            "safe_html": Markup,
            "folio": FOLIOS[layout],
            "archival": archival,  # the tables travel inside the PDF too: the colophon says so
            "run_on": frozenset(),  # every top-level section starts a page unless document() says
            "toc_placeholders": False,
            "contents_placeholder": CONTENTS_PLACEHOLDER_CSS,
            "logo_url": (project_root / report.meta.theme.logo).resolve().as_uri() if report.meta.theme.logo else None,
            "emblem_url": (project_root / report.meta.theme.emblem).resolve().as_uri() if report.meta.theme.emblem
            else None,
        }

    def _chart_src(self, chart_id: str) -> str:
        """The chart as this layout shows it: the charts given to a renderer are the drawings
        made for its layout (the A4 column for ``pdf``, a slide's size for ``slides``)."""
        return _data_url(self.charts[chart_id].svg)

    def _chart_srcs(self, chart_id: str) -> list[str]:
        """Every drawing of the chart: one, or, on slides, the parts of a chart too tall for
        one slide (one figure each)."""
        return [_data_url(svg) for svg in self.charts[chart_id].drawings]

    def _render(self, template: str, **variables) -> str:
        try:
            return self.env.get_template(f"{self.layout}/{template}").render({**self.context, **variables})
        except TemplateError as exc:
            name = getattr(exc, "filename", None) or getattr(exc, "name", None) or "templates"
            raise InputError(f"template error: {exc}", Location(str(name), line=getattr(exc, "lineno", None))) from None

    def css(self) -> str:
        return self._render("style.css.j2")

    def document(self, front: bool | None = None, sections: list[Section] | None = None,
                 toc_pages: dict[str, int] | None = None, run_on: Collection[str] = (),
                 toc_placeholders: bool = False) -> str:
        """One HTML document: the front matter (cover and contents; by default unless the
        report is partial) and ``sections`` (default: all). ``toc_pages`` prints these page
        numbers in the contents instead of letting the layout resolve them, for a front
        matter laid out apart from the sections it lists; with ``toc_placeholders`` they are
        placeholders, written over when the pieces are merged (:mod:`.contents`). ``run_on``:
        the ids of top-level sections that follow the one before on its page instead of
        starting a new one."""
        return self._render("report.html.j2", front=not self.report.partial if front is None else front,
                            sections=self.report.sections if sections is None else sections,
                            toc_pages=toc_pages, run_on=frozenset(run_on), toc_placeholders=toc_placeholders)


def render_html(report: Report, formatter: Formatter, project_root: Path,
                charts: dict[str, RenderedChart] | None = None, layout: str = "pdf") -> tuple[str, str]:
    """Return (HTML, CSS) of the whole report in one document, for the A4 PDF
    (``layout="pdf"``) or the 16:9 slide PDF (``layout="slides"``)."""
    renderer = HtmlRenderer(report, formatter, project_root, charts, layout)
    return renderer.document(), renderer.css()
