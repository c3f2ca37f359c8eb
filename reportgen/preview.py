"""Live preview while drafting: ``reportgen preview PROJECT`` serves the report as HTML on
localhost, rebuilds it whenever a file of the project is saved, and the open page reloads by
itself, keeping the reader's place.

>>> from reportgen.preview import PreviewServer
>>> with PreviewServer("sample_data/relazione-2024", port=0) as server:
...     server.wait_for_build()
...     print(server.url)

The page is the HTML the A4 PDF is made from (``render_html(..., layout="pdf")``) plus a
screen stylesheet (``templates/preview/screen.css.j2``, overridable like every template):
chapters as sheets of A4 width with the PDF's text width, a sticky table of contents.

* Watching: a poll of every file's (mtime, size, inode) under the project folder every
  0.3 s (standard library only, works on every filesystem and editor); hidden files, editor
  backups and ``output/``, ``snapshots/`` are ignored.
* Rebuilding: load, compute and assemble everything again (a fraction of a second), but draw
  only the charts whose content changed: drawn charts are kept by a hash of their spec,
  theme and number style (:class:`ChartCache`), so a narrative edit draws nothing.
* Problems in the project (:class:`~reportgen.errors.InputErrors`) are shown on the page,
  every one with its file, row and column, until they are fixed; a bug in a rebuild is shown
  and logged, and the server keeps running.
* Safety: the page refers to fonts and images as ``file:`` URLs; they are rewritten to
  ``/_assets/…`` and ``/_project/…``, which serve regular files from inside those two
  folders only (no ``..``, no hidden files, no symlink that leads out), and nothing else is
  ever read from the disk. It listens on 127.0.0.1 by default, answers only requests
  addressed to a loopback name (against DNS rebinding), and sends a Content-Security-Policy
  that lets the page load nothing but its own resources.
"""

from __future__ import annotations

import html as _html
import ipaddress
import json
import logging
import mimetypes
import os
import re
import secrets
import shutil
import socket
import socketserver
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from .errors import InputError, InputErrors, ReportgenError
from .resources import assets_dir

logger = logging.getLogger(__name__)

Log = Callable[[str], None]

ASSETS = "/_assets/"
PROJECT = "/_project/"
POLL_SECONDS = 0.3  # how often the project folder is scanned
SETTLE_SECONDS = 0.05  # a save in several steps (write, then rename) must stop changing for this long
LONG_POLL_SECONDS = 25.0  # /_reload answers after this long even if nothing was rebuilt
CHART_CACHE_SIZE = 256
IGNORED_DIRS = frozenset({"__pycache__", "node_modules", "output", "snapshots"})
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
               "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
FILE_POLICY = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"
TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2",
         ".svg": "image/svg+xml", ".md": "text/markdown; charset=utf-8", ".yaml": "text/plain; charset=utf-8",
         ".csv": "text/csv; charset=utf-8", ".txt": "text/plain; charset=utf-8"}


class PreviewError(ReportgenError):
    """The preview cannot start (the port is taken, the host does not exist)."""

    exit_code = 2


# --- watching ---------------------------------------------------------------------------

Snapshot = dict[str, tuple[int, int, int]]


def snapshot(root: Path, max_depth: int = 16) -> Snapshot:
    """(mtime, size, inode) of every file below ``root`` that can affect the report, by path
    relative to it. Hidden files and folders, editor backups (``name~``, ``#name#``) and the
    folders reportgen writes into (``output``, ``snapshots``) are left out."""
    found: Snapshot = {}

    def walk(folder: str, prefix: str, depth: int) -> None:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for entry in entries:
            name = entry.name
            if name.startswith((".", "#")) or name.endswith("~"):
                continue
            try:
                if entry.is_dir():
                    if name not in IGNORED_DIRS and depth < max_depth:
                        walk(entry.path, f"{prefix}{name}/", depth + 1)
                else:
                    stat = entry.stat()
                    found[prefix + name] = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
            except OSError:  # removed while scanning: the next scan sees it gone
                continue

    walk(str(root), "", 0)
    return found


def changed_files(old: Snapshot, new: Snapshot) -> list[str]:
    return sorted(name for name in old.keys() | new.keys() if old.get(name) != new.get(name))


# --- charts -----------------------------------------------------------------------------

class ChartCache:
    """Charts drawn by earlier builds, by a content hash of their spec (figures, labels,
    kind, size), the theme and the number style: a rebuild draws only the charts whose
    content changed. Thread-safe; can be shared by several servers (the tests do)."""

    def __init__(self, size: int = CHART_CACHE_SIZE):
        self.size = size
        self._charts: OrderedDict[str, object] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(spec, theme, formatter) -> str:
        # the build cache's key: what a chart prints, not where its figures came from
        from .charts import chart_style
        from .digest import bundled_digest, digest

        return digest("chart", spec, chart_style(theme, formatter), bundled_digest())

    def render(self, specs: list, theme, formatter) -> tuple[dict, int]:
        """Return ({chart id: RenderedChart}, how many had to be drawn)."""
        from .charts import render_charts

        keys = [self.key(spec, theme, formatter) for spec in specs]
        with self._lock:
            missing = [spec for spec, key in zip(specs, keys) if key not in self._charts]
        # Drawn in this thread: a process pool forked from a threaded server is not safe, and
        # after the first build a rebuild draws a chart or two at most.
        drawn = render_charts(missing, theme, formatter, jobs=1) if missing else {}
        charts = {}
        with self._lock:
            for spec, key in zip(specs, keys):
                if key not in self._charts:
                    self._charts[key] = drawn[spec.id]
                self._charts.move_to_end(key)
                charts[spec.id] = self._charts[key]
            while len(self._charts) > max(self.size, len(specs)):
                self._charts.popitem(last=False)
        return charts, len(missing)

    def __len__(self) -> int:
        return len(self._charts)


# --- the page ---------------------------------------------------------------------------

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


RELOAD_JS = """\
// reportgen preview: reload when the project is rebuilt, keeping the reader's place.
(function () {
  "use strict";
  var script = document.currentScript;
  var build = script.dataset.build, server = script.dataset.server, keep = script.dataset.keep === "1";
  var KEY = "reportgen-preview-place", delay = 500;

  function place() {  // the last section that starts above the window, and how far into it we are
    var anchor = null, top = 0, sections = document.querySelectorAll("section[id]");
    for (var i = 0; i < sections.length; i++) {
      var t = sections[i].getBoundingClientRect().top;
      if (t > 1) break;
      anchor = sections[i]; top = t;
    }
    return {id: anchor ? anchor.id : null, offset: -top, y: window.scrollY};
  }
  function save() {
    if (keep) { try { sessionStorage.setItem(KEY, JSON.stringify(place())); } catch (e) {} }
  }
  function restore() {
    var saved = null;
    try { saved = JSON.parse(sessionStorage.getItem(KEY) || "null"); } catch (e) {}
    if (!saved) return;
    var anchor = saved.id && document.getElementById(saved.id);
    window.scrollTo(0, anchor ? anchor.getBoundingClientRect().top + window.scrollY + saved.offset : saved.y);
  }
  function poll() {
    fetch("/_reload?since=" + encodeURIComponent(build) + "&server=" + encodeURIComponent(server),
          {cache: "no-store"})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (v) {
        delay = 500;
        if (String(v.build) !== build || v.server !== server) { save(); location.reload(); } else { poll(); }
      })
      .catch(function () { setTimeout(poll, delay); delay = Math.min(2 * delay, 5000); });
  }
  if (keep) {  // an error page neither saves nor restores: once fixed, the report opens where it was
    if ("scrollRestoration" in history) history.scrollRestoration = "manual";
    window.addEventListener("load", function () {
      restore();
      if (document.fonts) document.fonts.ready.then(restore);
    });
    window.addEventListener("pagehide", save);
  }
  poll();
})();
"""

_ERROR_STYLE = """\
body { font: 15px/1.45 system-ui, sans-serif; color: #1a1a1a; background: #f4f5f7; margin: 0; padding: 32px 16px; }
main { max-width: 60rem; margin: 0 auto; background: #fff; border-top: 6px solid %(accent)s; padding: 24px 32px;
  box-shadow: 0 1px 3px rgba(0,0,0,.2); }
h1 { font-size: 1.35rem; margin: 0 0 .5rem; color: %(accent)s; }
p.hint { color: #5b6670; margin: 0 0 1.2rem; }
ol { padding-left: 1.4rem; } li { margin: 0 0 .7rem; }
.where { font-family: ui-monospace, monospace; font-size: .9em; background: #eef1f4; padding: 1px 5px;
  border-radius: 3px; } .what { display: block; margin-top: 2px; }
pre { white-space: pre-wrap; font-size: .85em; background: #f6f8fa; padding: 12px; overflow-x: auto; }
"""


def _reload_tag(number: int, server_id: str, keep: bool) -> str:
    return (f'<script src="/_preview/reload.js" data-build="{number}" data-server="{server_id}"'
            f' data-keep="{1 if keep else 0}"></script>')


def problems_page(title: str, problems: Iterable[InputError], number: int, server_id: str,
                  hint: str = "Fix the files and save: the page reloads by itself.", detail: str | None = None) -> str:
    """The page shown while the project has problems: each with its file, row and column.
    Every piece of text is escaped (a message can quote a cell or a narrative)."""
    esc = _html.escape
    items = []
    for problem in problems:
        where = f'<span class="where">{esc(str(problem.location))}</span> ' if problem.location else ""
        items.append(f'<li>{where}<span class="what">{esc(problem.message)}</span></li>')
    body = f"<ol>\n{chr(10).join(items)}\n</ol>" if items else ""
    if detail:
        body += f"\n<pre>{esc(detail)}</pre>"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{esc(title)} – reportgen preview</title>
<style>{_ERROR_STYLE % {"accent": "#b03a2e"}}</style>
{_reload_tag(number, server_id, keep=False)}
</head>
<body>
<main>
<h1>{esc(title)}</h1>
<p class="hint">{esc(hint)}</p>
{body}
</main>
</body>
</html>
"""


def _warnings_panel(warnings: list[str]) -> str:
    if not warnings:
        return ""
    items = "".join(f"<li>{_html.escape(w)}</li>" for w in warnings)
    count = len(warnings)
    return (f'<details class="rg-preview-warnings"><summary>{count} warning{"s" if count != 1 else ""}'
            f"</summary><ul>{items}</ul></details>")


def inject(page: str, head: str, body_end: str) -> str:
    """Put ``head`` before ``</head>`` and ``body_end`` before the last ``</body>`` (a project's
    own template may lack either: then at the start, or at the end)."""
    match = _HEAD_END.search(page)
    page = page[:match.start()] + head + page[match.start():] if match else head + page
    ends = list(_BODY_END.finditer(page))
    return page[:ends[-1].start()] + body_end + page[ends[-1].start():] if ends else page + body_end


# --- builds -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Build:
    """One rebuild of the preview, successful or not: what the server answers until the next."""

    number: int
    ok: bool
    page: bytes  # the HTML served at /
    css: bytes = b""  # the A4 stylesheet, its URLs rewritten
    screen_css: bytes = b""
    seconds: float = 0.0
    problems: tuple[str, ...] = ()  # one line per problem (file, row, column: message)
    warnings: tuple[str, ...] = ()  # check values that differ, hidden rows left out
    charts_drawn: int = 0
    charts_reused: int = 0
    changed: tuple[str, ...] = ()  # the files whose change caused this build


class Builder:
    """Builds the preview page of a project; keeps the drawn charts between builds."""

    def __init__(self, project: str | Path, charts: ChartCache | None = None):
        self.root = Path(project).resolve()
        self.charts = charts if charts is not None else ChartCache()
        self.urls = UrlRewriter(self.root)

    def build(self, number: int, server_id: str, changed: tuple[str, ...] = ()) -> Build:
        """Never raises for a problem of the project or a bug: both become the page."""
        started = time.perf_counter()
        try:
            return self._report(number, server_id, changed, started)
        except InputErrors as exc:
            return self._problems(number, server_id, changed, started, exc.errors)
        except InputError as exc:
            return self._problems(number, server_id, changed, started, [exc])
        except ReportgenError as exc:
            return self._problems(number, server_id, changed, started, [InputError(str(exc))])
        except Exception as exc:  # a bug: shown on the page and logged; the server keeps watching
            detail = traceback.format_exc()
            logger.error("reportgen preview: build %d failed unexpectedly\n%s", number, detail)
            title = "Internal error: reportgen failed unexpectedly"
            page = problems_page(title, [], number, server_id, detail=detail,
                                 hint="This is a bug in reportgen, not in the project: please report it with the "
                                      "traceback below. The preview keeps watching the project.")
            return Build(number, False, page.encode("utf-8"), seconds=time.perf_counter() - started,
                         problems=(f"internal error: {type(exc).__name__}: {exc}",), changed=changed)

    def _problems(self, number: int, server_id: str, changed: tuple[str, ...], started: float,
                  errors: list[InputError]) -> Build:
        count = len(errors)
        title = f"{count} problem{'s' if count != 1 else ''} in the project"
        page = problems_page(title, errors, number, server_id)
        return Build(number, False, page.encode("utf-8"), seconds=time.perf_counter() - started,
                     problems=tuple(str(e) for e in errors), changed=changed)

    def _report(self, number: int, server_id: str, changed: tuple[str, ...], started: float) -> Build:
        from jinja2 import TemplateError

        from .content import build_report, formatter_for
        from .engine import compute
        from .errors import Location
        from .load import load_project
        from .render.html import environment, render_html

        loaded = load_project(self.root)
        result = compute(loaded)
        report = build_report(loaded, result)
        formatter = formatter_for(loaded.config)
        specs = report.charts()
        charts, drawn = self.charts.render(specs, loaded.config.theme, formatter)
        page, css = render_html(report, formatter, self.root, charts, layout="pdf")
        try:
            screen = environment(self.root).get_template("preview/screen.css.j2").render(
                report=report, meta=report.meta, theme=report.meta.theme)
        except TemplateError as exc:
            name = getattr(exc, "filename", None) or getattr(exc, "name", None) or "preview/screen.css.j2"
            raise InputError(f"template error: {exc}", Location(str(name), line=getattr(exc, "lineno", None))) from None
        warnings = result.notes(loaded)
        head = (f'\n<link rel="stylesheet" href="/_preview/report.css?build={number}">'
                f'\n<link rel="stylesheet" href="/_preview/screen.css?build={number}">'
                f"\n{_reload_tag(number, server_id, keep=True)}\n")
        page = inject(self.urls.html(page), head, _warnings_panel(warnings))
        return Build(number, True, page.encode("utf-8"), self.urls.css(css).encode("utf-8"),
                     self.urls.css(screen).encode("utf-8"), time.perf_counter() - started,
                     warnings=tuple(warnings), charts_drawn=drawn, charts_reused=len(specs) - drawn,
                     changed=changed)


# --- serving files ----------------------------------------------------------------------

def safe_file(base: Path, relative: str) -> Path | None:
    """The regular file ``relative`` (a URL path, percent-encoded) inside ``base``, or None:
    no empty, ``.`` or ``..`` segment, no hidden file, no absolute path or backslash, and
    the resolved file (symlinks followed) must still be inside ``base``."""
    name = unquote(relative, errors="strict") if "%" in relative else relative
    if not name or "\x00" in name or "\\" in name or name.startswith("/") or Path(name).is_absolute():
        return None
    if any(not part or part.startswith(".") for part in name.split("/")):
        return None
    base = base.resolve()
    try:
        path = (base / name).resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return None
    return path if path.is_relative_to(base) and path.is_file() else None


def _content_type(path: Path) -> str:
    known = TYPES.get(path.suffix.lower())
    if known:
        return known
    guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if not guessed.startswith(("image/", "font/", "text/plain", "text/csv", "text/css")):
        # a project's script or page (a template may refer to one) is served as bytes: with
        # nosniff the browser never runs it on the preview's origin
        return "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed


def _host_name(header: str) -> str:
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _Handler(BaseHTTPRequestHandler):
    server_version = "reportgen-preview"
    sys_version = ""
    server: _HTTPServer

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._handle(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._handle(send_body=False)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - signature of http.server
        logger.debug("%s %s", self.address_string(), format % args)

    def _handle(self, send_body: bool) -> None:
        preview = self.server.preview
        try:
            if not preview.host_allowed(self.headers.get("Host")):
                return self._text(403, "This preview answers only to localhost.\n", send_body)
            url = urlsplit(self.path)
            path = url.path
            if path in ("/", "/index.html"):
                build = preview.build
                page = build.page if build else preview.waiting_page()
                return self._send(200, page, "text/html; charset=utf-8", send_body, PAGE_POLICY)
            if path in ("/_preview/report.css", "/_preview/screen.css"):
                build = preview.build
                css = (build.css if path.endswith("report.css") else build.screen_css) if build else b""
                return self._send(200, css, "text/css; charset=utf-8", send_body)
            if path == "/_preview/reload.js":
                return self._send(200, RELOAD_JS.encode("utf-8"), "text/javascript; charset=utf-8", send_body)
            if path == "/_version":
                return self._json(preview.version(), send_body)
            if path == "/_reload":
                query = parse_qs(url.query)
                since = query.get("since", [""])[0]
                server_id = query.get("server", [""])[0]
                return self._json(preview.wait_for_change(since, server_id), send_body)
            for prefix, base in ((ASSETS, assets_dir()), (PROJECT, preview.root)):
                if path.startswith(prefix):
                    return self._file(base, path[len(prefix):], send_body)
            return self._text(404, "Not found.\n", send_body)
        except (BrokenPipeError, ConnectionResetError):  # the browser went away (a reload)
            return None

    def _file(self, base: Path, relative: str, send_body: bool) -> None:
        try:
            path = safe_file(base, relative)
        except (UnicodeDecodeError, OSError):  # a name too long, a folder not readable
            path = None
        if path is None:
            return self._text(404, "Not found.\n", send_body)
        try:
            handle = path.open("rb")
        except OSError:
            return self._text(404, "Not found.\n", send_body)
        with handle:
            size = os.fstat(handle.fileno()).st_size
            self._headers(200, _content_type(path), size, FILE_POLICY)
            if send_body:
                shutil.copyfileobj(handle, self.wfile)

    def _headers(self, status: int, content_type: str, length: int, policy: str | None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        if policy:
            self.send_header("Content-Security-Policy", policy)
        self.end_headers()

    def _send(self, status: int, body: bytes, content_type: str, send_body: bool, policy: str | None = None) -> None:
        self._headers(status, content_type, len(body), policy)
        if send_body:
            self.wfile.write(body)

    def _text(self, status: int, text: str, send_body: bool) -> None:
        self._send(status, text.encode("utf-8"), "text/plain; charset=utf-8", send_body, FILE_POLICY)

    def _json(self, value: dict, send_body: bool) -> None:
        self._send(200, json.dumps(value).encode("utf-8"), "application/json", send_body)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    preview: PreviewServer

    def server_bind(self) -> None:
        # HTTPServer.server_bind asks the DNS for the host's full name, which can take seconds
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]


# --- the server -------------------------------------------------------------------------

class PreviewServer:
    """Serves the live preview of a project; ``start()`` returns at once (the first build runs
    in the background: the page says so, then reloads), ``stop()`` ends everything.

    ``port=0`` picks a free port (see :attr:`url`). ``log`` receives one line per build and
    every problem (default: the ``reportgen.preview`` logger). ``charts`` may be shared
    between servers to keep drawn charts."""

    def __init__(self, project: str | Path, host: str = "127.0.0.1", port: int = 8000, *,
                 poll: float = POLL_SECONDS, charts: ChartCache | None = None, log: Log | None = None):
        self.root = Path(project).resolve()
        self.host = host
        self.port = port
        self.poll = poll
        self.builder = Builder(self.root, charts)
        self.log: Log = log or logger.info
        self.server_id = secrets.token_hex(6)
        self._build: Build | None = None
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._threads: list[threading.Thread] = []
        self._warnings: tuple[str, ...] = ()

    # state, read by the request threads
    @property
    def build(self) -> Build | None:
        """The latest build (None until the first one is done)."""
        return self._build

    @property
    def build_number(self) -> int:
        """Counts the builds, successful or not: 0 until the first one is done."""
        build = self._build
        return build.number if build else 0

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the preview server is not running")
        host = self.host if self.host not in ("", "0.0.0.0", "::") else ("::1" if self.host == "::" else "127.0.0.1")
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self._httpd.server_address[1]}/"

    def version(self) -> dict:
        build = self._build
        return {"build": build.number if build else 0, "server": self.server_id, "ok": bool(build and build.ok)}

    def wait_for_change(self, since: str, server_id: str, timeout: float = LONG_POLL_SECONDS) -> dict:
        """Long poll: return when the build number differs from ``since`` (or after ``timeout``)."""
        def changed() -> bool:
            return self._stopping.is_set() or server_id != self.server_id or str(self.build_number) != since

        with self._changed:
            self._changed.wait_for(changed, timeout=timeout)
        return self.version()

    def wait_for_build(self, after: int = 0, timeout: float = 60.0) -> Build:
        """Block until a build numbered above ``after`` is served; return it."""
        with self._changed:
            if not self._changed.wait_for(lambda: self.build_number > after or self._stopping.is_set(), timeout):
                raise TimeoutError(f"no preview build after build {after} within {timeout:g} s")
        if self._build is None or self._build.number <= after:
            raise RuntimeError("the preview server stopped")
        return self._build

    def waiting_page(self) -> bytes:
        page = problems_page("Building the preview…", [], 0, self.server_id,
                             hint="The first build takes a few seconds; this page reloads by itself.")
        return page.encode("utf-8")

    def host_allowed(self, header: str | None) -> bool:
        """Against DNS rebinding: on a loopback interface, answer only to a loopback name."""
        if not is_loopback(self.host) or header is None:
            return True
        name = _host_name(header)
        return name in LOOPBACK_NAMES or name == self.host.lower() or name.endswith(".localhost")

    # life cycle
    def start(self) -> PreviewServer:
        if self._httpd is not None:
            return self
        if not self.root.is_dir():
            raise PreviewError(f"{self.root}: no such folder")
        try:
            infos = socket.getaddrinfo(self.host or None, self.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
            family = infos[0][0]
            server_class = type("_Server", (_HTTPServer,), {"address_family": family})
            httpd = server_class((self.host, self.port), _Handler)
        except OSError as exc:
            raise PreviewError(f"cannot listen on {self.host or '*'}:{self.port}: {exc.strerror or exc}"
                               f" (try another --port, or --port 0 for any free one)") from None
        httpd.preview = self
        self._httpd = httpd
        if not is_loopback(self.host):
            self.log(f"warning: listening on {self.host or 'every interface'}: anyone who can reach this machine "
                     f"can read the draft and its data files")
        self._stopping.clear()
        self._threads = [threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.2},
                                          name="reportgen-preview-http", daemon=True),
                         threading.Thread(target=self._watch, name="reportgen-preview-watch", daemon=True)]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving and watching; waits (up to ``timeout``) for a build in progress."""
        if self._httpd is None:
            return
        self._stopping.set()
        with self._changed:
            self._changed.notify_all()  # releases the long polls
        self._httpd.shutdown()
        self._httpd.server_close()
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []
        self._httpd = None

    def __enter__(self) -> PreviewServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # the watcher thread: every build happens here, one at a time
    def _watch(self) -> None:
        previous = snapshot(self.root)
        self._rebuild(())
        while not self._stopping.wait(self.poll):
            current = snapshot(self.root)
            if current == previous:
                continue
            while not self._stopping.wait(SETTLE_SECONDS):  # until the save is complete
                again = snapshot(self.root)
                if again == current:
                    break
                current = again
            if self._stopping.is_set():
                return
            changed = changed_files(previous, current)
            previous = current
            self._rebuild(tuple(changed))

    def _rebuild(self, changed: tuple[str, ...]) -> None:
        number = self.build_number + 1
        try:
            build = self.builder.build(number, self.server_id, changed)
        except BaseException as exc:  # never leave the watcher dead (the builder catches everything else)
            logger.exception("reportgen preview: build %d failed", number)
            build = Build(number, False, problems_page("Internal error", [], number, self.server_id,
                                                       detail=repr(exc)).encode("utf-8"))
        with self._changed:
            self._build = build
            self._changed.notify_all()
        self._report(build)

    def _report(self, build: Build) -> None:
        cause = ""
        if build.changed:
            names = ", ".join(build.changed[:3]) + (f" and {len(build.changed) - 3} more" if len(build.changed) > 3
                                                    else "")
            cause = f" after a change to {names}"
        if build.ok:
            charts = ""
            if build.charts_drawn or build.charts_reused:
                charts = f"; charts: {build.charts_drawn} drawn, {build.charts_reused} reused"
            self.log(f"build {build.number}: ready in {build.seconds:.2f} s{cause}{charts}")
            if build.warnings != self._warnings:  # said once, not at every rebuild
                for warning in build.warnings:
                    self.log(f"warning: {warning}")
                self._warnings = build.warnings
        else:
            count = len(build.problems)
            self.log(f"build {build.number}{cause}: {count} problem{'s' if count != 1 else ''}, shown on the page")
            for problem in build.problems:
                self.log(f"error: {problem}")


def serve(project: str | Path, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False,
          log: Log | None = None, ready: Log | None = None) -> None:
    """Serve the preview until Ctrl-C (or SIGTERM turned into KeyboardInterrupt). ``ready``
    receives the URL once the server listens (default: ``log``)."""
    say: Log = log or (lambda line: print(line, flush=True))
    server = PreviewServer(project, host, port, log=say).start()
    try:
        (ready or say)(server.url)
        say(f"watching {server.root} for changes; Ctrl-C to stop")
        if open_browser:
            import webbrowser

            webbrowser.open(server.url)
        while True:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    say("preview stopped")
