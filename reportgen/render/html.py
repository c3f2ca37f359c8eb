"""The report as one HTML document, for WeasyPrint: Jinja templates from the project's
``templates/`` folder first (to override the look), then reportgen's own.

Templates are treated as untrusted like narratives: a sandboxed environment with
autoescaping. Narrative HTML comes from the Markdown renderer with raw HTML disabled, so it
is marked safe; every other value is escaped.
"""

from __future__ import annotations

import base64
from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from ..charts import RenderedChart
from ..content.model import Report
from ..errors import InputError, Location
from ..formatting import Formatter
from ..resources import assets_dir, templates_dir
from .common import cell_text, header_text, iso_date, tone


def css_string(value: object) -> Markup:
    """A CSS string literal: quotes, backslashes and line ends escaped the CSS way (HTML
    escaping would print ``&#34;``), and ``<`` so that it cannot close a style element."""
    text = str(value)
    for char, escape in (("\\", "\\\\"), ('"', "\\22 "), ("\n", "\\A "), ("\r", ""), ("<", "\\3C ")):
        text = text.replace(char, escape)
    return Markup(f'"{text}"')


def environment(project_root: Path) -> SandboxedEnvironment:
    loaders = []
    own = project_root / "templates"
    if own.is_dir():
        loaders.append(FileSystemLoader(str(own)))
    loaders.append(FileSystemLoader(str(templates_dir())))
    env = SandboxedEnvironment(loader=ChoiceLoader(loaders), autoescape=True, undefined=StrictUndefined,
                               trim_blocks=True, lstrip_blocks=True)
    env.filters["css_string"] = css_string
    return env


def render_html(report: Report, formatter: Formatter, project_root: Path,
                charts: dict[str, RenderedChart] | None = None,
                page_start: int | None = None, page_total: int | None = None,
                layout: str = "pdf") -> tuple[str, str]:
    """Return (HTML, CSS) for the A4 PDF (``layout="pdf"``) or the 16:9 slide PDF
    (``layout="slides"``), from ``templates/<layout>/``. Fonts are referenced inside the
    bundled assets; charts, drawn beforehand, are inlined as SVG. ``page_start``/``page_total``
    number the pages of a section built alone as in the full document."""
    charts = charts or {}

    def chart_src(chart_id: str) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(charts[chart_id].svg).decode("ascii")

    env = environment(project_root)
    fonts = (assets_dir() / "fonts").as_uri()
    context = {
        "report": report,
        "meta": report.meta,
        "theme": report.meta.theme,
        "lang": report.meta.locale.replace("_", "-"),
        "fonts_url": fonts,
        "created": iso_date(report.meta.document_date),
        "approval_date": formatter.date(report.meta.approval_date) if report.meta.approval_date else "",
        "cell": lambda column, figure: cell_text(formatter, column, figure),
        "header": header_text,
        "tone": tone,
        "fmt": formatter.figure,
        "chart_src": chart_src,
        "page_start": page_start,
        "page_total": page_total,
        "safe_html": Markup,
        "logo_url": (project_root / report.meta.theme.logo).resolve().as_uri() if report.meta.theme.logo else None,
    }
    try:
        html = env.get_template(f"{layout}/report.html.j2").render(context)
        css = env.get_template(f"{layout}/style.css.j2").render(context)
    except TemplateError as exc:
        name = getattr(exc, "filename", None) or getattr(exc, "name", None) or "templates"
        raise InputError(f"template error: {exc}", Location(str(name), line=getattr(exc, "lineno", None))) from None
    return html, css
