"""One rebuild of the preview: the project compiled again (a fraction of a second), the
charts drawn only when what they show changed, the page assembled; a problem of the project
or a bug becomes the page instead."""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, InputErrors, Location, ReportgenError
from ..project import compile_project
from .page import UrlRewriter, problems_page, report_page

logger = logging.getLogger(__name__)

CHART_MEMORY = 256  # charts kept between rebuilds (the 2024 sample has 14)


class DrawnCharts:
    """The charts drawn by earlier rebuilds, in memory, under the build cache's key (what a
    chart prints: spec, style, fonts; see ``pipeline._start_charts``), so a narrative edit
    draws nothing. The least recently used go first. Thread-safe; servers may share one."""

    def __init__(self, size: int = CHART_MEMORY):
        self.size = size
        self._svgs: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, specs: list, theme, formatter) -> tuple[dict, int]:
        """Return ({chart id: RenderedChart}, how many had to be drawn)."""
        from ..charts import RenderedChart, chart_style, draw_chart
        from ..digest import bundled_digest, digest

        style = chart_style(theme, formatter)
        charts, drawn = {}, 0
        for spec in specs:
            key = digest("chart", spec, style, bundled_digest())
            with self._lock:
                svg = self._svgs.get(key)
            if svg is None:
                # drawn in this thread: a process pool forked from a threaded server is not safe,
                # and after the first build a rebuild draws a chart or two at most
                svg, _ = draw_chart(spec, style)
                drawn += 1
            with self._lock:
                self._svgs[key] = svg
                self._svgs.move_to_end(key)
                while len(self._svgs) > max(self.size, len(specs)):
                    self._svgs.popitem(last=False)
            charts[spec.id] = RenderedChart(spec, svg, None)
        return charts, drawn

    def __len__(self) -> int:
        return len(self._svgs)


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

    def __init__(self, project: str | Path, charts: DrawnCharts | None = None):
        self.root = Path(project).resolve()
        self.charts = charts if charts is not None else DrawnCharts()
        self.urls = UrlRewriter(self.root)

    def build(self, number: int, server_id: str, changed: tuple[str, ...] = (), notes: tuple[str, ...] = ()) -> Build:
        """Never raises for a problem of the project or a bug: both become the page. ``notes``:
        warnings of the preview itself (the watcher's), listed on the page with the project's."""
        started = time.perf_counter()
        try:
            return self._report(number, server_id, changed, started, notes)
        except InputErrors as exc:
            return self._problems(number, server_id, changed, started, exc.errors, notes)
        except InputError as exc:
            return self._problems(number, server_id, changed, started, [exc], notes)
        except ReportgenError as exc:
            return self._problems(number, server_id, changed, started, [InputError(str(exc))], notes)
        except Exception as exc:  # a bug: shown on the page and logged; the server keeps watching
            detail = traceback.format_exc()
            logger.error("reportgen preview: build %d failed unexpectedly\n%s", number, detail)
            title = "Internal error: reportgen failed unexpectedly"
            page = problems_page(title, [], number, server_id, detail=detail, warnings=notes,
                                 hint="This is a bug in reportgen, not in the project: please report it with the "
                                      "traceback below. The preview keeps watching the project.")
            return Build(number, False, page.encode("utf-8"), seconds=time.perf_counter() - started,
                         problems=(f"internal error: {type(exc).__name__}: {exc}",), changed=changed)

    def _problems(self, number: int, server_id: str, changed: tuple[str, ...], started: float,
                  errors: list[InputError], notes: tuple[str, ...]) -> Build:
        count = len(errors)
        title = f"{count} problem{'s' if count != 1 else ''} in the project"
        page = problems_page(title, errors, number, server_id, warnings=notes)
        return Build(number, False, page.encode("utf-8"), seconds=time.perf_counter() - started,
                     problems=tuple(str(e) for e in errors), changed=changed)

    def _report(self, number: int, server_id: str, changed: tuple[str, ...], started: float,
                notes: tuple[str, ...]) -> Build:
        from jinja2 import TemplateError

        from ..render.html import environment, render_html

        compiled = compile_project(self.root)
        report, formatter = compiled.report, compiled.formatter
        specs = report.charts()
        charts, drawn = self.charts.get(specs, compiled.loaded.config.theme, formatter)
        page, css = render_html(report, formatter, self.root, charts, layout="pdf")
        try:
            screen = environment(self.root).get_template("preview/screen.css.j2").render(
                report=report, meta=report.meta, theme=report.meta.theme)
        except TemplateError as exc:
            name = getattr(exc, "filename", None) or getattr(exc, "name", None) or "preview/screen.css.j2"
            raise InputError(f"template error: {exc}", Location(str(name), line=getattr(exc, "lineno", None))) from None
        warnings = compiled.notes
        page = report_page(page, self.urls, number, server_id, [*warnings, *notes])
        return Build(number, True, page.encode("utf-8"), self.urls.css(css).encode("utf-8"),
                     self.urls.css(screen).encode("utf-8"), time.perf_counter() - started,
                     warnings=tuple(warnings), charts_drawn=drawn, charts_reused=len(specs) - drawn,
                     changed=changed)
