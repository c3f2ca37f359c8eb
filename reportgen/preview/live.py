"""A running preview: the HTTP server, the watcher thread that rebuilds after each save, and
the state the open pages poll."""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import ReportgenError
from .build import Build, Builder, DrawnCharts
from .page import problems_page
from .server import _HTTPServer, host_allowed, is_loopback, listen
from .watch import MAX_ENTRIES, POLL_SECONDS, Watcher

logger = logging.getLogger("reportgen.preview")

Log = Callable[[str], None]

LONG_POLL_SECONDS = 25.0  # /_reload answers after this long even if nothing was rebuilt


class PreviewError(ReportgenError):
    """The preview cannot start (the port is taken, the host does not exist)."""

    exit_code = 2


class PreviewServer:
    """Serves the live preview of a project; ``start()`` returns at once (the first build runs
    in the background: the page says so, then reloads), ``stop()`` ends everything.

    ``port=0`` picks a free port (see :attr:`url`). ``log`` receives one line per build and
    every problem (default: the ``reportgen.preview`` logger). ``charts`` may be shared
    between servers to keep drawn charts. ``max_entries`` bounds the files and folders
    looked at in one poll of the project folder."""

    def __init__(self, project: str | Path, host: str = "127.0.0.1", port: int = 8000, *,
                 poll: float = POLL_SECONDS, charts: DrawnCharts | None = None, log: Log | None = None,
                 max_entries: int = MAX_ENTRIES):
        self.root = Path(project).resolve()
        self.host = host
        self.port = port
        self.poll = poll
        self.builder = Builder(self.root, charts)
        self.watcher = Watcher(self.root, poll, max_entries)
        self.log: Log = log or logger.info
        self.server_id = secrets.token_hex(6)
        self._build: Build | None = None
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._threads: list[threading.Thread] = []
        self._warnings: tuple[str, ...] = ()
        self._watch_warning: str | None = None

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
        return host_allowed(self.host, header)

    # life cycle
    def start(self) -> PreviewServer:
        if self._httpd is not None:
            return self
        if not self.root.is_dir():
            raise PreviewError(f"{self.root}: no such folder")
        try:
            httpd = listen(self, self.host, self.port)
        except OSError as exc:
            raise PreviewError(f"cannot listen on {self.host or '*'}:{self.port}: {exc.strerror or exc}"
                               f" (try another --port, or --port 0 for any free one)") from None
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
        for changed in self.watcher.changes(self._stopping):
            self._rebuild(changed)

    def _rebuild(self, changed: tuple[str, ...]) -> None:
        number = self.build_number + 1
        warning = self.watcher.warning
        if warning != self._watch_warning:  # said once, shown on every page while it holds
            if warning:
                self.log(f"warning: {warning}")
            self._watch_warning = warning
        notes = (warning,) if warning else ()
        try:
            build = self.builder.build(number, self.server_id, changed, notes)
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

