"""The preview's HTTP side: routes, files served from two folders only, security headers,
the Host check against DNS rebinding, and a server that stays responsive under load.

The page refers to fonts and images as ``/_assets/…`` and ``/_project/…``, which serve
regular files from inside those two folders only (no ``..``, no hidden files, no symlink
that leads out); nothing else is ever read from the disk. On a loopback interface only
requests addressed to a loopback name are answered, and every answer carries a
Content-Security-Policy that lets the page load nothing but its own resources.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import mimetypes
import os
import shutil
import socket
import socketserver
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from ..resources import assets_dir
from .build import Build
from .page import ASSETS, PROJECT, reload_script

logger = logging.getLogger(__name__)

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
               "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
FILE_POLICY = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"
TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2",
         ".svg": "image/svg+xml", ".md": "text/markdown; charset=utf-8", ".yaml": "text/plain; charset=utf-8",
         ".csv": "text/csv; charset=utf-8", ".txt": "text/plain; charset=utf-8"}
BACKLOG = 1024  # connections waiting to be accepted: a burst of 300 must queue, not be refused (default 5)
CLIENT_TIMEOUT = 15.0  # seconds a client may take to send its request or read the answer


class Preview(Protocol):
    """What the routes read of the running preview (:class:`~reportgen.preview.PreviewServer`)."""

    root: Path
    build: Build | None

    def host_allowed(self, header: str | None) -> bool: ...
    def waiting_page(self) -> bytes: ...
    def version(self) -> dict: ...
    def wait_for_change(self, since: str, server_id: str) -> dict: ...


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


def host_allowed(listening_on: str, header: str | None) -> bool:
    """Against DNS rebinding: on a loopback interface, answer only to a loopback name."""
    if not is_loopback(listening_on) or header is None:
        return True
    name = _host_name(header)
    return name in LOOPBACK_NAMES or name == listening_on.lower() or name.endswith(".localhost")


class _Handler(BaseHTTPRequestHandler):
    server_version = "reportgen-preview"
    sys_version = ""
    timeout = CLIENT_TIMEOUT  # a client that sends or reads nothing frees its thread
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
                return self._send(200, reload_script(), "text/javascript; charset=utf-8", send_body)
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
        except (BrokenPipeError, ConnectionResetError, TimeoutError):  # the browser went away (a reload), or stalled
            self.close_connection = True
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
    daemon_threads = True  # a long poll never keeps the process alive
    request_queue_size = BACKLOG
    preview: Preview

    def server_bind(self) -> None:
        # HTTPServer.server_bind asks the DNS for the host's full name, which can take seconds
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]


def listen(preview: Preview, host: str, port: int) -> _HTTPServer:
    """A server bound to ``host``:``port`` (IPv4 or IPv6, as the name resolves), answering for
    ``preview``; raises OSError when it cannot listen there."""
    infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    server_class = type("_Server", (_HTTPServer,), {"address_family": infos[0][0]})
    httpd = server_class((host, port), _Handler)
    httpd.preview = preview
    return httpd
