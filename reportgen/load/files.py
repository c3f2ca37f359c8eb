"""Opening a project's input files: only regular files inside the project, of a bounded size.

A project folder comes from anyone (a shared drive, an e-mail attachment): a file in it may be
a symbolic link to ``/etc/passwd``, a FIFO that never ends, ``/dev/zero``, or a file far larger
than any report needs. Every input is read through here, so none of them can make a build read
outside the project, hang or run out of memory. A link that stays inside the project is fine
(a shared data file linked from two places).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import ErrorCollector, InputError, Location

MAX_INPUT_BYTES = 50 * 1024 * 1024  # far above any real table, narrative or image of a report
MAX_YAML_BYTES = 5 * 1024 * 1024  # a configuration or schema: a few kilobytes in practice


class UnsafeFile(InputError):
    """An input the project may not use: outside the project, not a regular file, too large."""


def _megabytes(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


def checked_path(root: Path, path: Path, display: str, limit: int = MAX_INPUT_BYTES) -> Path:
    """``path`` resolved, when it is a regular file inside ``root`` of at most ``limit`` bytes;
    otherwise :class:`UnsafeFile` naming ``display``. Nothing is opened (a FIFO would block)."""
    root = root.resolve()
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):  # a loop of links
        raise UnsafeFile("cannot be resolved (a loop of links?)", Location(display)) from None
    if not resolved.is_relative_to(root):
        raise UnsafeFile("leads outside the project folder (a link?): not read", Location(display))
    try:
        info = resolved.stat()
    except (OSError, ValueError):  # ValueError: a NUL in the name
        raise UnsafeFile("not found in the project", Location(display)) from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise UnsafeFile(f"is {kind}: expected a file", Location(display))
    if info.st_size > limit:
        raise UnsafeFile(f"is larger than {_megabytes(limit)}", Location(display))
    return resolved


def check_input(root: Path, path: Path, display: str, errors: ErrorCollector, limit: int = MAX_INPUT_BYTES,
                missing_ok: bool = False) -> bool:
    """:func:`checked_path` for a reader that opens the file itself: False, with the problem
    recorded in ``errors``, when the file may not be read. ``missing_ok``: a file that does not
    exist passes (its reader reports it in its own words)."""
    if missing_ok and not os.path.lexists(path):
        return True
    try:
        checked_path(root, path, display, limit)
    except UnsafeFile as exc:
        errors.errors.append(exc)
        return False
    return True


def read_project_bytes(root: Path, path: Path, display: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of an input file, checked as :func:`checked_path` says; the checks are made
    again on the opened file, so a file swapped for a link or a FIFO in between is refused too."""
    resolved = checked_path(root, path, display, limit)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(resolved, flags)
    except OSError as exc:
        raise UnsafeFile(f"cannot be read ({exc.strerror})", Location(display)) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeFile("is not a regular file: expected a file", Location(display))
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise UnsafeFile(f"is larger than {_megabytes(limit)}", Location(display))
    return data


def read_project_text(root: Path, path: Path, display: str, limit: int = MAX_INPUT_BYTES) -> str:
    """An input text file (UTF-8, with or without byte-order mark)."""
    try:
        return read_project_bytes(root, path, display, limit).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnsafeFile("is not UTF-8 text", Location(display)) from None
