"""Nothing changed since the last build? Then the build is the files already written.

Before anything is loaded, every file of the project, the bundled templates and fonts, the
tool's version and the build's options are hashed into a fingerprint. The last build with
the same project and options recorded its fingerprint and the digest of each file it wrote
(``OUT/.reportgen/builds/``); when both still hold, nothing can differ and the build returns
at once. This module imports nothing heavy, so that answer takes a fraction of a second.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

from .digest import bundled_digest, file_digest, tool_versions
from .output import write_atomic

STATE_FOLDER = ".reportgen"


MAX_PROJECT_FILES = 100_000  # a project has dozens; past this the fingerprint gives up (never skips a build)
MAX_FILE_BYTES = 256 * 1024 * 1024  # larger than any input reportgen reads (50 MB)


def _project_files(root: Path, out: Path) -> list[Path] | None:
    """The files of the project, links included as links: os.walk never enters a linked
    folder, so two links to ``.`` cost nothing. None when there are too many to be a project."""
    out = out.resolve()
    files = []
    for folder, dirs, names in os.walk(root):
        here = Path(folder)
        # hidden folders (.git, the state of earlier builds) and the output folder are not inputs
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__"
                         and (here / d).resolve() != out)
        files += [here / n for n in sorted(names) if not n.startswith(".")]
        if len(files) > MAX_PROJECT_FILES:
            return None
    return files


def _file_print(path: Path, root: Path) -> bytes:
    """What stands for one file in the fingerprint, read without following a link and
    without waiting: a link is its target's name (what the build reads through it is
    refused or is itself a project file, fingerprinted on its own), a FIFO or a device its
    kind, a file too large to be an input its size and time."""
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            return b"link:" + os.fsencode(os.readlink(path))
        if not stat.S_ISREG(info.st_mode):
            return f"special:{stat.S_IFMT(info.st_mode)}".encode()
        if info.st_size > MAX_FILE_BYTES:
            return f"large:{info.st_size}:{info.st_mtime_ns}".encode()
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped since the lstat
                return b"special"
            return b"file:" + hashlib.file_digest(handle, "sha256").digest()
    except (OSError, ValueError):
        return b"\0missing"


def fingerprint(root: Path, out: Path, options: dict, extra_files: tuple[Path, ...] = ()) -> str:
    """The fingerprint of everything a build reads; a unique value (never matched) when the
    project folder cannot be fingerprinted."""
    h = hashlib.sha256()
    h.update(json.dumps({"options": options, "tool": tool_versions(), "bundled": bundled_digest(),
                         "epoch": os.environ.get("SOURCE_DATE_EPOCH")}, sort_keys=True).encode())
    files = _project_files(root, out)
    if files is None:
        return "unknown:" + os.urandom(16).hex()
    for path in [*files, *extra_files]:
        data = _file_print(path, root)
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
        h.update(f"{name}\0{len(data)}\0".encode() + data)
    return h.hexdigest()


def _state_path(out: Path, root: Path, options: dict) -> Path:
    key = hashlib.sha256(json.dumps({"root": str(root), **options}, sort_keys=True).encode()).hexdigest()[:24]
    return out / STATE_FOLDER / "builds" / f"{key}.json"


def _sha(path: Path) -> str | None:
    try:
        return file_digest(path)
    except OSError:
        return None


def previous_build(root: Path, out: Path, options: dict, print_: str) -> dict | None:
    """The record of the last build if its fingerprint is ``print_`` and its files are intact:
    ``outputs`` lists [path, sha256] in the order they were written."""
    try:
        state = json.loads(_state_path(out, root, options).read_text(encoding="utf-8"))
        outputs = state["outputs"]
        if state.get("fingerprint") != print_ or not isinstance(outputs, list):
            return None
        if all(_sha(Path(path)) == sha for path, sha in outputs):
            return state
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return None


def record_build(root: Path, out: Path, options: dict, print_: str, outputs: dict[Path, bytes],
                 warnings: list[str]) -> None:
    state = {"fingerprint": print_, "warnings": warnings,
             "outputs": [[str(path), hashlib.sha256(data).hexdigest()] for path, data in outputs.items()]}
    try:
        write_atomic(_state_path(out, root, options), json.dumps(state, indent=1, sort_keys=True).encode(),
                     durable=False)
    except OSError:
        pass  # the next build will simply not be able to skip its work
