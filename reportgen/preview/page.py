"""The page the preview serves: the report's A4 HTML with its ``file:`` URLs turned into the
server's paths and the preview's own parts added, or a page of problems.

The parts are real template files, reportgen's own (not a project's: a broken override must
not hide the page that reports it): ``templates/preview/page.html.j2`` (the problems and
waiting page), ``parts.html.j2`` (what is added to the report) and ``reload.js``. The
screen stylesheet, ``preview/screen.css.j2``, is the report's and can be overridden.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from ..errors import InputError
from ..resources import assets_dir, templates_dir

ASSETS = "/_assets/"
PROJECT = "/_project/"

_ATTRIBUTE = re.compile(r"""(\s(?:src|href)\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
_CSS_URL = re.compile(r"""url\(\s*(["']?)(.*?)\1\s*\)""", re.IGNORECASE | re.DOTALL)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)


class UrlRewriter:
    """Turns the ``file:`` URLs of the PDF's HTML and CSS into the server's paths: the
    bundled assets into ``/_assets/…``, the project's files into ``/_project/…``. Relative
    URLs are resolved as WeasyPrint does: the HTML's against the project, the CSS's against
    the assets."""

    def __init__(self, project_root: Path):
        self.prefixes = sorted({(assets_dir().as_uri() + "/", ASSETS),
                                (assets_dir().resolve().as_uri() + "/", ASSETS),
                                (project_root.resolve().as_uri() + "/", PROJECT)}, key=lambda p: -len(p[0]))

    def url(self, url: str, relative_to: str) -> str:
        for prefix, path in self.prefixes:
            if url.startswith(prefix):
                return path + url[len(prefix):]
        if not url or url.startswith(("#", "/", "?")) or _SCHEME.match(url):
            return url  # an anchor, a page of the server, data:, https:, mailto: (a file: URL outside stays dead)
        return relative_to + url

    def html(self, text: str) -> str:
        return _ATTRIBUTE.sub(lambda m: f"{m[1]}{m[2]}{self.url(m[3], PROJECT)}{m[2]}", text)

    def css(self, text: str) -> str:
        return _CSS_URL.sub(lambda m: f"url({m[1]}{self.url(m[2], ASSETS)}{m[1]})", text)


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # reportgen's own files only, so not sandboxed; autoescaped all the same
    env = Environment(loader=FileSystemLoader(str(templates_dir())), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["text"] = lambda value: Markup(html.escape(str(value)))
    return env


def _parts():
    return _environment().get_template("preview/parts.html.j2").module


@lru_cache(maxsize=1)
def reload_script() -> bytes:
    """``/_preview/reload.js``: polls the server and reloads the page, keeping its place."""
    return (templates_dir() / "preview" / "reload.js").read_bytes()


def problems_page(title: str, problems: Iterable[InputError], number: int, server_id: str,
                  hint: str = "Fix the files and save: the page reloads by itself.", detail: str | None = None,
                  warnings: Iterable[str] = ()) -> str:
    """The page shown while the project has problems: each with its file, row and column.
    Every piece of text is escaped (a message can quote a cell or a narrative)."""
    return _environment().get_template("preview/page.html.j2").render(
        title=title, problems=list(problems), build=number, server=server_id, hint=hint, detail=detail,
        warnings=list(warnings))


def report_page(page: str, urls: UrlRewriter, number: int, server_id: str, warnings: list[str]) -> str:
    """The report's HTML as served: its URLs rewritten, the preview's stylesheets and reload
    script in its head, the warnings panel at the end of its body."""
    parts = _parts()
    return inject(urls.html(page), str(parts.report_head(number, server_id)), str(parts.warnings_panel(warnings)))


def inject(page: str, head: str, body_end: str) -> str:
    """Put ``head`` before ``</head>`` and ``body_end`` before the last ``</body>`` (a project's
    own template may lack either: then at the start, or at the end)."""
    match = _HEAD_END.search(page)
    page = page[:match.start()] + head + page[match.start():] if match else head + page
    ends = list(_BODY_END.finditer(page))
    return page[:ends[-1].start()] + body_end + page[ends[-1].start():] if ends else page + body_end
