"""Reviewers' draft diff: which figures, sentences, pages and settings changed between two
drafts of a report, each named by the report's own structure (section › table › row › column).

* figures: :mod:`.figures` (engine results, linked through provenance)
* narrative: :mod:`.text` (word-level, on the Markdown sources)
* pages: the A4 PDFs rendered and compared page by page, matched by section (as snapshots)
* report.yaml: sections added, removed, moved or retitled; style and metadata
"""

from __future__ import annotations

import dataclasses
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..content.model import Report, TextBlock
from ..errors import InputError
from ..load import LoadedProject
from ..load.config import load_project_config
from ..project import compile_project
from .figures import FigureChange, RowChange, compare_figures
from .text import TextChange, word_hunks


@dataclass(slots=True)
class ConfigChange:
    what: str
    old: str
    new: str


@dataclass(slots=True)
class PageChange:
    key: str
    section: str
    status: str  # match / changed / new / removed
    match: float | None = None
    page: int | None = None
    diff_png: bytes | None = None


@dataclass(slots=True)
class DiffReport:
    old_name: str
    new_name: str
    figures: list[FigureChange] = field(default_factory=list)
    rows: list[RowChange] = field(default_factory=list)
    narrative: list[TextChange] = field(default_factory=list)
    pages: list[PageChange] = field(default_factory=list)
    config: list[ConfigChange] = field(default_factory=list)
    pages_compared: bool = False

    @property
    def changed_pages(self) -> list[PageChange]:
        return [p for p in self.pages if p.status != "match"]

    @property
    def empty(self) -> bool:
        return not (self.figures or self.rows or self.narrative or self.changed_pages or self.config)

    @property
    def exit_code(self) -> int:
        return 0 if self.empty else 1

    def to_json(self) -> dict:
        def plain(item):
            data = dataclasses.asdict(item)
            data.pop("diff_png", None)
            return data

        return {"old": self.old_name, "new": self.new_name, "changed": not self.empty,
                "figures": [plain(f) for f in self.figures], "rows": [plain(r) for r in self.rows],
                "narrative": [plain(t) for t in self.narrative], "pages": [plain(p) for p in self.pages],
                "config": [plain(c) for c in self.config], "pages_compared": self.pages_compared}


def _section_names(loaded: LoadedProject, report: Report) -> dict[str, str]:
    return {s.id: s.heading for s in report.walk()}


def _compare_config(old: LoadedProject, new: LoadedProject) -> list[ConfigChange]:
    changes = []
    a, b = old.config, new.config
    for name in ("administration", "title", "subtitle", "year", "locale", "percent_space", "currency_position",
                 "outputs", "approval", "theme", "document_date"):
        before, after = getattr(a, name), getattr(b, name)
        if before != after:
            changes.append(ConfigChange(name, str(before), str(after)))
    old_ids = [s.id for s in a.walk()]
    new_ids = [s.id for s in b.walk()]
    titles_old = {s.id: s.title for s in a.walk()}
    titles_new = {s.id: s.title for s in b.walk()}
    for section in new_ids:
        if section not in titles_old:
            position = new_ids.index(section)
            after = f" after '{new_ids[position - 1]}'" if position else " at the start"
            changes.append(ConfigChange("section added", "", f"{section}{after}: {titles_new[section]}"))
    for section in old_ids:
        if section not in titles_new:
            changes.append(ConfigChange("section removed", f"{section}: {titles_old[section]}", ""))
    common_old = [s for s in old_ids if s in titles_new]
    common_new = [s for s in new_ids if s in titles_old]
    if common_old != common_new:
        changes.append(ConfigChange("sections reordered", ", ".join(common_old), ", ".join(common_new)))
    for section in common_new:
        if titles_old[section] != titles_new[section]:
            changes.append(ConfigChange(f"section '{section}' title", titles_old[section], titles_new[section]))
    return changes


def _sources(loaded: LoadedProject, report: Report) -> dict[str, dict[str, str]]:
    """Section id → narrative file → its Markdown source (placeholders not rendered)."""
    sources: dict[str, dict[str, str]] = {}
    for section in report.walk():
        for block in section.blocks:
            if isinstance(block, TextBlock):
                sources.setdefault(section.id, {})[block.narrative.file] = loaded.narratives[block.narrative.file].text
    return sources


def _compare_narrative(old: LoadedProject, new: LoadedProject, old_report: Report,
                       new_report: Report) -> list[TextChange]:
    names = _section_names(new, new_report)
    old_sources, new_sources = _sources(old, old_report), _sources(new, new_report)
    changes = []
    for section, files in new_sources.items():
        if section not in old_sources:
            continue  # a new section is reported with report.yaml
        for file in sorted(set(files) | set(old_sources[section])):
            hunks = word_hunks(old_sources[section].get(file, ""), files.get(file, ""))
            if hunks:
                changes.append(TextChange(names[section], file, hunks))
    return changes


def _compare_pages(old_root: Path, new_root: Path, section: str | None, dpi: int) -> list[PageChange]:
    from ..snapshot import render_pages
    from ..snapshot.compare import compare_images
    from ..snapshot.config import SnapshotConfig

    old_pages = {p.key: p for p in render_pages(old_root, dpi, ("pdf",), section)["pdf"]}
    new_list = render_pages(new_root, dpi, ("pdf",), section)["pdf"]
    config = SnapshotConfig()  # page numbers masked: they move when pages are inserted
    changes = []
    for page in new_list:
        old = old_pages.get(page.key)
        if old is None:
            changes.append(PageChange(page.key, page.section, "new", page=page.number))
            continue
        _, boxes = config.page_rule("pdf", page.section, page.key, page.image.size, dpi)
        diff = compare_images(old.image, page.image, boxes)
        status = "match" if diff.match == 100.0 else "changed"
        png = None
        if status == "changed":
            import io

            buffer = io.BytesIO()
            diff.diff.save(buffer, format="PNG")
            png = buffer.getvalue()
        changes.append(PageChange(page.key, page.section, status, diff.match, page.number, png))
    current = {p.key for p in new_list}
    changes += [PageChange(key, p.section, "removed") for key, p in old_pages.items() if key not in current]
    return changes


def diff_projects(old_root: Path | str, new_root: Path | str, pages: bool = True, section: str | None = None,
                  dpi: int = 50, progress=None, names: tuple[str, str] | None = None) -> DiffReport:
    """Compare two drafts (project folders). ``section`` limits the pages layer to one section."""
    note = progress or (lambda stage: None)
    old_root, new_root = Path(old_root).resolve(), Path(new_root).resolve()
    if load_project_config(new_root).repeat is not None:  # one card per unit: compared card by card
        from ..batch.diff import diff_units

        return diff_units(old_root, new_root, names or (str(old_root), str(new_root)), progress)
    note("Reading and computing the old draft")
    old = compile_project(old_root)
    note("Reading and computing the new draft")
    new = compile_project(new_root, section)
    formatter = new.formatter
    report = DiffReport(*(names or (str(old_root), str(new_root))))
    report.figures, report.rows = compare_figures(old.result, new.result, old.report, new.report, formatter)
    report.narrative = _compare_narrative(old.loaded, new.loaded, old.report, new.report)
    report.config = _compare_config(old.loaded, new.loaded)
    if pages:
        note("Rendering and comparing the pages")
        report.pages = _compare_pages(old_root, new_root, section, dpi)
        report.pages_compared = True
    return report


def export_revision(project: Path, revision: str, target: Path) -> Path:
    """The project folder as it was at a git revision, extracted into ``target``."""
    project = project.resolve()

    def git(*args: str, cwd: Path = project) -> bytes:
        done = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True)
        if done.returncode:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise InputError(f"git: {message[-1] if message else 'failed'}")
        return done.stdout

    target.mkdir(parents=True, exist_ok=True)
    top = Path(git("rev-parse", "--show-toplevel").decode().strip())
    relative = project.relative_to(top).as_posix()
    try:
        git("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except InputError:
        raise InputError(f"git: {revision!r} is not a commit of the repository at {top}") from None
    archive = target / "draft.tar"
    # "rev:path" names the project's own tree, so the archive holds the project folder and nothing above it
    tree = revision if relative == "." else f"{revision}:{relative}"
    # run from the top: inside a subfolder, git archive would look for that subfolder within the tree again
    archive.write_bytes(git("archive", "--format=tar", tree, cwd=top))
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter=_inside_only)
    archive.unlink()
    return target


def _inside_only(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo | None:
    """The "data" filter, except that a link leaving the tree (absolute, or with ``..`` past its
    top) is left out instead of ending the extraction: a committed link to ``/etc/passwd`` is
    not the project's, and an input that is such a link is then reported missing by the loader,
    the same as in a working tree where it would be refused."""
    try:
        return tarfile.data_filter(member, path)
    except tarfile.FilterError:
        return None


def diff_revisions(project: Path | str, old_rev: str, new_rev: str | None, **options) -> DiffReport:
    """Compare two git revisions of one project folder; ``new_rev`` None is the working tree."""
    project = Path(project)
    with tempfile.TemporaryDirectory(prefix="reportgen-diff-") as tmp:
        old_root = export_revision(project, old_rev, Path(tmp) / "old")
        new_root = export_revision(project, new_rev, Path(tmp) / "new") if new_rev else project
        return diff_projects(old_root, new_root, names=(f"{project} @ {old_rev}",
                                                        f"{project} @ {new_rev or 'working tree'}"), **options)
