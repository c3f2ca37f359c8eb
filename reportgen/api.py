"""The Python API: what the CLI does, callable from a notebook or another program.

>>> from reportgen.api import build, compute_project
>>> result = compute_project("sample_data/relazione-2024")
>>> result.figure("ieep.ieep_accertato.scostamento").value     # exact Decimal
>>> result.tables["ieep"].to_frame()                            # a pandas DataFrame
>>> build("sample_data/relazione-2024", out="output")           # writes the PDF and PPTX
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .content.model import Report
from .engine import EngineResult
from .engine.checks import CheckResult
from .errors import ErrorCollector, InputError, InputErrors, Location, NotReady
from .load import LoadedProject
from .load.blocks import check_outputs
from .load.config import FORMATS, PDF_PROFILES, load_project_config
from .output import write_all
from .progress import Progress, as_progress
from .project import compile_project
from .readiness import findings
from .uptodate import STATE_FOLDER


@dataclass(slots=True)
class BuildResult:
    outputs: list[Path]
    report: Report | None  # None when nothing changed since the last build: nothing was recomputed
    checks: list[CheckResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    up_to_date: bool = False  # the files of the last build were kept as they were
    rendered: list[str] = field(default_factory=list)  # pieces rendered anew ("pdf:ieep", "pptx", …)
    reused: int = 0  # pieces taken from the build cache

    @property
    def failed_checks(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.ok]


def compute_project(project: str | Path) -> EngineResult:
    """Load and validate a project and compute every table."""
    return compile_project(project, content=False).result


def parse_formats(formats: str | Iterable[str] | None, loaded: LoadedProject) -> tuple[str, ...]:
    if formats is None:
        return loaded.config.outputs
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in items if f.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise InputError(f"unknown output format {', '.join(unknown) or '(none)'}; use {', '.join(FORMATS)}")
    return chosen


SUFFIXES = {"pdf": ".pdf", "pptx": ".pptx", "slides": "-slides.pdf"}


def output_paths(loaded: LoadedProject, out: Path, formats: tuple[str, ...], section: str | None) -> dict[str, Path]:
    stem = loaded.config.name if section is None else f"{loaded.config.name}-{section}"
    return {fmt: out / f"{stem}{SUFFIXES[fmt]}" for fmt in formats}


def page_map_path(out: Path, name: str) -> Path:
    return out / STATE_FOLDER / f"{name}.pages.json"


def read_page_map(out: Path, name: str) -> dict[str, dict]:
    """Pages of each layout in the last full build, if there was one: a section built alone
    is numbered as in the full report, and the contents' length is known in advance."""
    try:
        data = json.loads(page_map_path(out, name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    valid = {}
    for layout, pages in data.items() if isinstance(data, dict) else ():
        if not isinstance(pages, dict):  # a map of an older version, or damaged
            continue
        sections = pages.get("sections")
        # the numbers end up in the PDF: only well-formed ones are trusted
        if (isinstance(pages.get("pages"), int) and isinstance(sections, dict)
                and all(isinstance(v, int) and not isinstance(v, bool) for v in sections.values())):
            front = pages.get("front")
            valid[layout] = {"pages": pages["pages"], "sections": sections,
                             "front": front if isinstance(front, int) else None}
    return valid


def _repeats(root: Path) -> bool:
    try:  # its problems are reported with the project's others, in one pass, by the build itself
        return load_project_config(root, ErrorCollector()).repeat is not None
    except InputErrors:
        return False


def build(project: str | Path, out: str | Path = "output", formats: str | Iterable[str] | None = None,
          section: str | None = None, progress: Progress | Callable[[str], None] | None = None,
          jobs: int | None = None, cache: bool = True, strict: bool = False,
          pdf_profile: str | None = None) -> BuildResult:
    """Validate, compute, render and write the report. Nothing is written unless every
    requested output rendered; each file is replaced atomically.

    ``section`` builds one section (with its subsections) into ``<name>-<section>.<fmt>``.
    ``jobs`` worker processes render in parallel (default: the number of cores); with
    ``cache`` the pieces of earlier builds are reused (``OUT/.reportgen/cache``), and when no
    input changed at all the files of the last build are kept and returned at once.
    ``strict`` refuses to build a project that :mod:`reportgen.readiness` has findings on.
    ``pdf_profile`` (standard, archival) overrides ``pdf: {profile: …}`` of report.yaml.
    Raises :class:`~reportgen.errors.InputErrors` listing every problem of the project,
    :class:`~reportgen.errors.NotReady` with ``strict``.
    """
    from .pipeline import Workers, preload_for
    from .uptodate import fingerprint, previous_build

    if pdf_profile is not None and pdf_profile not in PDF_PROFILES:
        raise InputError(f"unknown PDF profile '{pdf_profile}'; use {', '.join(PDF_PROFILES)}")
    progress = as_progress(progress)
    root, out = Path(project).resolve(), Path(out)
    if _repeats(root):  # one document per unit: a tool on top of this build makes them
        raise InputError("report.yaml repeats per unit (repeat:): build it with reportgen.batch.build_batch, "
                         "as 'reportgen build' does", Location("report.yaml"))
    options = {"formats": formats if formats is None or isinstance(formats, str) else ",".join(formats),
               "section": section, "strict": strict, "pdf_profile": pdf_profile}
    page_maps = tuple(sorted((out / STATE_FOLDER).glob("*.pages.json"))) if section else ()
    print_ = fingerprint(root, out, options, page_maps) if cache else ""
    if cache and (state := previous_build(root, out, options, print_)):
        return BuildResult([Path(p) for p, _ in state["outputs"] if not p.endswith(".json")], None, [],
                           list(state.get("warnings") or []), up_to_date=True)
    cold = not cache or not (out / STATE_FOLDER / "cache").is_dir()
    workers = Workers(jobs, preload_for(cold)).start()  # they load the layout engine while the project is read
    try:
        return _build(root, out, formats, section, progress, workers, cache, strict, pdf_profile, options, print_)
    except BaseException:
        workers.close(interrupted=True)
        raise


def _build(root: Path, out: Path, formats, section: str | None, progress: Progress, workers, cache: bool,
           strict: bool, pdf_profile: str | None, options: dict, print_: str) -> BuildResult:
    from .cache import BuildCache
    from .pipeline import render_outputs
    from .uptodate import record_build

    def refuse_if_not_ready(loaded: LoadedProject, result: EngineResult) -> None:
        if found := findings(loaded, result):
            raise NotReady(found)

    compiled = compile_project(root, section, progress=progress, before_content=refuse_if_not_ready if strict else None)
    loaded, result, report, formatter = compiled.loaded, compiled.result, compiled.report, compiled.formatter
    chosen = parse_formats(formats, loaded)
    errors = ErrorCollector()
    check_outputs(loaded.config, chosen, errors)  # --format may ask for an output a block cannot be drawn in
    errors.raise_if_any()
    warnings = [*loaded.notes, *result.warnings]
    paths = output_paths(loaded, out, chosen, section)
    store = BuildCache(out / STATE_FOLDER / "cache" if cache else None)
    rendered = render_outputs(report, formatter, root, chosen, page_map=read_page_map(out, loaded.config.name),
                              section=section, workers=workers, cache=store, progress=progress,
                              pdf_profile=pdf_profile or loaded.config.pdf_profile)
    warnings += rendered.warnings
    files = {paths[fmt]: rendered.files[fmt] for fmt in chosen}
    if section is None and rendered.layouts:
        # remembered so that a section built alone gets its page numbers
        known = read_page_map(out, loaded.config.name)
        known.update(rendered.layouts)
        files[page_map_path(out, loaded.config.name)] = json.dumps(known, indent=1, sort_keys=True).encode("utf-8")
    progress.stage("Writing the files")
    write_all(files)
    store.prune()
    notes = warnings + [str(c) for c in result.checks if not c.ok]
    if cache:
        record_build(root, out, options, print_, files, notes)
    return BuildResult([p for p in files if p.suffix != ".json"], report, result.checks, warnings,
                       rendered=rendered.rendered, reused=rendered.reused)
