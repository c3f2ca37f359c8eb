"""The front half of every command: a project folder becomes everything the back half needs.

load → engine → content, plus the formatter every output prints with. Build, preview, export,
diff, check and snapshot all start here; none of them writes the sequence again, so a new stage
(or a new kind of document) is added in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .content import build_report, formatter_for
from .content.model import Report
from .engine import EngineResult, compute
from .formatting import Formatter
from .load import LoadedProject, load_project
from .progress import Progress, as_progress


@dataclass(slots=True)
class CompiledProject:
    """A project read, computed and assembled: what every output, check and tool reads."""

    root: Path
    loaded: LoadedProject
    result: EngineResult
    report: Report | None  # None when compiled without content (figures only)
    formatter: Formatter

    @property
    def notes(self) -> list[str]:
        """What a command tells the user besides its outputs (see EngineResult.notes)."""
        return self.result.notes(self.loaded)


def compile_project(project: str | Path, section: str | None = None, *, content: bool = True,
                    progress: Progress | Callable[[str], None] | None = None,
                    before_content: Callable[[LoadedProject, EngineResult], None] | None = None) -> CompiledProject:
    """Read, validate and compute PROJECT and assemble its document tree.

    ``section`` keeps one section (with its subsections), numbered as in the full report.
    ``content=False`` stops after the engine (figures only: no narrative is rendered).
    ``before_content`` runs on the computed project before the content is assembled (a build's
    ``--strict`` readiness check refuses there). Raises
    :class:`~reportgen.errors.InputErrors` listing every problem of the project.
    """
    progress = as_progress(progress)
    root = Path(project).resolve()
    progress.stage("Reading and validating the project")
    loaded = load_project(root, section)
    return compile_loaded(root, loaded, section, content=content, progress=progress, before_content=before_content)


def compile_loaded(root: Path, loaded: LoadedProject, section: str | None = None, *, content: bool = True,
                   progress: Progress | Callable[[str], None] | None = None,
                   before_content: Callable[[LoadedProject, EngineResult], None] | None = None) -> CompiledProject:
    """:func:`compile_project` from a project already read: one unit's view of a repeated
    project (reportgen.batch) is a LoadedProject narrowed to that unit's rows."""
    progress = as_progress(progress)
    progress.stage("Computing the figures")
    result = compute(loaded)
    if before_content is not None:
        before_content(loaded, result)
    report = None
    if content:
        progress.stage("Assembling the content")
        report = build_report(loaded, result, only=section)
    return CompiledProject(root, loaded, result, report, formatter_for(loaded.config))
