"""A repeated project's build: the cards that changed, then ``index.csv`` and the combined PDF.

Each card is written (atomically) as soon as it is made, so an interrupted batch keeps every
card already done and leaves no partial file; the index and the combined PDF follow the cards.
A card is remembered under a digest of what it is made from (the unit's rows, the shared
files, the options, the tool's versions): a batch after one unit's rows changed makes that
card only.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..api import SUFFIXES, parse_formats
from ..cache import BuildCache
from ..digest import bundled_digest, digest, file_digest
from ..errors import ErrorCollector, InputError, Location
from ..load import load_project
from ..load.blocks import check_outputs
from ..load.config import load_project_config
from ..output import write_all, write_atomic
from ..progress import Progress, as_progress
from .executors import Cluster, Local
from .view import Rows, units_of

STATE = ".reportgen"  # as uptodate.STATE_FOLDER: the build's own files
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
STAGE = "Making the cards"


@dataclass(slots=True)
class BatchResult:
    outputs: list[Path] = field(default_factory=list)
    made: list[str] = field(default_factory=list)  # units whose card was made now
    reused: list[str] = field(default_factory=list)  # unchanged since the last batch
    failed: dict[str, str] = field(default_factory=dict)  # unit → why
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0  # spent making the cards


def is_repeated(project: str | Path) -> bool:
    """Whether report.yaml says ``repeat:`` (raises InputErrors when report.yaml is invalid)."""
    return load_project_config(Path(project).resolve()).repeat is not None


def _shared_print(root: Path, out: Path, per_unit_files: set[Path]) -> str:
    """Every project file but the per-unit tables' data (whose rows are keyed unit by unit)."""
    entries = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (here / d).resolve() != out.resolve())
        for name in sorted(files):
            path = here / name
            if path.resolve() not in per_unit_files and not name.startswith("."):
                entries.append((path.relative_to(root).as_posix(), file_digest(path)))
    return digest(entries, bundled_digest())


def build_batch(project: str | Path, out: str | Path = "output", formats=None, only: str | None = None,
                jobs: int | None = None, cache: bool = True, strict: bool = False, pdf_profile: str | None = None,
                cluster: str | None = None,
                progress: Progress | Callable[[str], None] | None = None) -> BatchResult:
    """Build every unit's card of the repeated project PROJECT into ``OUT/NAME/UNIT.pdf`` (and
    the other ``formats``), ``OUT/NAME/index.csv`` and ``OUT/NAME.pdf`` (every card, a bookmark
    each). ``only``: ids separated by commas. ``cluster``: a Dask scheduler's address, else
    ``jobs`` local processes. A unit's bad data fails its card only (see ``failed``);
    ``strict`` writes nothing unless every card is made."""
    progress = as_progress(progress)
    root, out = Path(project).resolve(), Path(out)
    progress.stage("Reading and validating the project")
    config = load_project_config(root)
    repeat = config.repeat
    if repeat is None:
        raise InputError("report.yaml has no repeat: build it as one report", Location("report.yaml"))
    rows = Rows(repeat, None)
    loaded = load_project(root, rows=rows)  # the shared tables whole, the per-unit ones only grouped
    units = units_of(loaded, repeat)
    chosen = list(units)
    if only:
        chosen = list(dict.fromkeys(u.strip() for u in only.split(",") if u.strip()))
        if unknown := [u for u in chosen if u not in units]:
            raise InputError(f"--only: no unit {', '.join(unknown)} in table '{repeat.table}'")
    if bad := [u for u in chosen if not _FILE_NAME.fullmatch(u)]:
        raise InputError(f"unit ids are file names (letters, digits, '.', '-', '_'): {', '.join(bad)}",
                         Location(loaded.tables[repeat.table].file or repeat.table))
    fmts = parse_formats(formats, loaded)
    errors = ErrorCollector()
    check_outputs(config, fmts, errors)  # --format may ask for an output a block cannot be drawn in
    errors.raise_if_any()
    folder = out / config.name
    per_unit_files = {(root / t.file).resolve() for tid, t in loaded.tables.items()
                      if tid in rows.per_unit | {repeat.table} and t.file}
    shared = digest(_shared_print(root, out, per_unit_files), sorted(rows.headers.items()))
    keys = {u: digest(shared, u, sorted(rows.by_unit.get(u, [])), fmts, pdf_profile) for u in chosen}
    state_path = out / STATE / f"{config.name}.cards.json"
    state = _read_state(state_path) if cache else {}
    todo = [u for u in chosen if not _unchanged(state.get(u), keys[u], folder)]
    result = BatchResult(reused=[u for u in chosen if u not in todo])
    cache_dir = str(out / STATE / "cache") if cache and cluster is None else None
    executor = Cluster(cluster) if cluster else Local(jobs)
    progress.stage(STAGE, total=len(todo))
    started = time.monotonic()
    held: dict[Path, bytes] = {}  # --strict: nothing is written before every card is made
    try:
        for card in executor.run(todo, (str(root), tuple(fmts), pdf_profile, cache_dir)):
            progress.advance(STAGE)
            if card.error is not None:
                result.failed[card.unit] = card.error
                state.pop(card.unit, None)
                continue
            files = {folder / f"{card.unit}{SUFFIXES[f]}": card.files[f] for f in fmts}
            if strict:
                held.update(files)
            else:
                for path, data in files.items():
                    write_atomic(path, data)
            result.made.append(card.unit)
            result.notes += [f"{card.unit}: {note}" for note in card.notes]
            state[card.unit] = {"key": keys[card.unit], "pages": card.pages,
                                "files": {p.name: _sha(d) for p, d in files.items()}}
    finally:
        result.seconds = time.monotonic() - started
        executor.close()
        if not strict or not result.failed:
            if held:
                write_all(held)
            if cache:  # what is on disk now, even after Ctrl-C: those cards are not made again
                write_atomic(state_path, json.dumps(state, indent=1, sort_keys=True).encode("utf-8"))
    progress.done(STAGE)
    if strict and result.failed:
        return result
    progress.stage("Writing the index and the combined PDF")
    index, combined = _index(units, repeat.title, state, result.failed, folder, "pdf" in fmts)
    extra = {folder / "index.csv": index}
    if combined is not None:
        extra[out / f"{config.name}.pdf"] = combined
    write_all(extra)
    if cache_dir:
        BuildCache(Path(cache_dir)).prune()  # the least recently used pieces, past the cache's size limit
    result.outputs = sorted(folder / f"{u}{SUFFIXES[f]}" for u in chosen if u not in result.failed
                            for f in fmts) + list(extra)
    return result


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _read_state(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {u: e for u, e in data.items() if isinstance(e, dict) and isinstance(e.get("files"), dict)} \
        if isinstance(data, dict) else {}


def _unchanged(entry: dict | None, key: str, folder: Path) -> bool:
    if not entry or entry.get("key") != key:
        return False
    for name, sha in entry["files"].items():
        try:
            if file_digest(folder / name) != sha:
                return False
        except OSError:
            return False
    return True


def _index(units: dict[str, dict[str, str]], title: str, state: dict, failed: dict[str, str], folder: Path,
           with_pdf: bool) -> tuple[bytes, bytes | None]:
    """index.csv (every unit of the table: its card, pages and status) and the combined PDF of
    every card on disk, in the table's order."""
    import pikepdf

    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["unit", "file", "pages", "status"])
    combined = pikepdf.new() if with_pdf else None
    bookmarks = []
    for unit, row in units.items():
        entry = state.get(unit)
        pdf = folder / f"{unit}.pdf"
        if unit in failed:
            writer.writerow([unit, "", "", f"failed: {failed[unit]}"])
        elif entry is None:
            writer.writerow([unit, "", "", "not built"])
        else:
            writer.writerow([unit, f"{unit}.pdf" if with_pdf else "", entry.get("pages", ""), "ok"])
            if combined is not None and pdf.exists():
                first = len(combined.pages)
                with pikepdf.open(pdf) as card:
                    combined.add_pages_from(card, outlines="ignore")  # the TOC links keep their targets
                bookmarks.append(pikepdf.OutlineItem(row.get(title) or unit, first))
    data = None
    if combined is not None:
        with combined.open_outline() as outline:  # once: each opening rewrites the whole outline
            outline.root.extend(bookmarks)
        buffer = io.BytesIO()
        combined.save(buffer, deterministic_id=True)
        data = buffer.getvalue()
    return text.getvalue().encode("utf-8"), data
