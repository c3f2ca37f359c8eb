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
from pathlib import Path

from .digest import bundled_digest, file_digest, tool_versions
from .output import write_atomic

STATE_FOLDER = ".reportgen"


def _project_files(root: Path, out: Path) -> list[Path]:
    out = out.resolve()
    files = []
    for folder, dirs, names in os.walk(root):
        here = Path(folder)
        # hidden folders (.git, the state of earlier builds) and the output folder are not inputs
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__"
                         and (here / d).resolve() != out)
        files += [here / n for n in sorted(names) if not n.startswith(".")]
    return files


def fingerprint(root: Path, out: Path, options: dict, extra_files: tuple[Path, ...] = ()) -> str:
    h = hashlib.sha256()
    h.update(json.dumps({"options": options, "tool": tool_versions(), "bundled": bundled_digest(),
                         "epoch": os.environ.get("SOURCE_DATE_EPOCH")}, sort_keys=True).encode())
    for path in [*_project_files(root, out), *extra_files]:
        try:
            data = path.read_bytes()
        except OSError:
            data = b"\0missing"
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
