"""Content digests: the keys of the build cache.

A digest covers everything that can change an output and nothing else: values are fed
with their type, containers with their length, dataclasses field by field (provenance
fields, which no output prints, are left out so that moving a row in a spreadsheet does
not redraw every chart). Unknown types raise, so a new kind of content cannot silently
fall out of a key.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import stat
import urllib.parse
from dataclasses import fields, is_dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from . import __version__

# Where a figure came from is shown by the diff, never printed in a report (its formula is
# not printed either, but it decides whether a figure is judged better or worse)
NOT_PRINTED = frozenset({"deps", "source"})


def _feed(h, value, skip: frozenset[str]) -> None:
    if value is None or isinstance(value, bool | int | float | Decimal | _dt.date):
        h.update(f"{type(value).__name__}:{value!r};".encode())
    elif isinstance(value, str):
        data = value.encode("utf-8")
        h.update(b"s%d:" % len(data) + data)
    elif isinstance(value, bytes | bytearray):
        h.update(b"b%d:" % len(value) + bytes(value))
    elif isinstance(value, Path):
        _feed(h, value.as_posix(), skip)
    elif is_dataclass(value) and not isinstance(value, type):
        h.update(f"<{type(value).__qualname__}>".encode())
        for item in fields(value):
            if item.name not in skip:
                _feed(h, item.name, skip)
                _feed(h, getattr(value, item.name), skip)
    elif isinstance(value, list | tuple):
        h.update(b"[%d" % len(value))
        for item in value:
            _feed(h, item, skip)
        h.update(b"]")
    elif isinstance(value, dict):
        h.update(b"{%d" % len(value))
        for key in sorted(value, key=repr):
            _feed(h, key, skip)
            _feed(h, value[key], skip)
        h.update(b"}")
    elif isinstance(value, set | frozenset):
        _feed(h, sorted(value, key=repr), skip)
    elif hasattr(value, "__digest_fields__"):
        h.update(f"<{type(value).__qualname__}>".encode())
        for name in value.__digest_fields__:
            _feed(h, getattr(value, name), skip)
    else:
        raise TypeError(f"cannot digest a {type(value).__qualname__}")


def digest(*values, skip: frozenset[str] = NOT_PRINTED) -> str:
    """A hex SHA-256 of ``values`` and of the versions of reportgen and its renderers."""
    h = hashlib.sha256()
    _feed(h, tool_versions(), skip)
    for value in values:
        _feed(h, value, skip)
    return h.hexdigest()


MAX_FILE_BYTES = 1024 * 1024 * 1024  # far above any output or input; a sparse 3 GB file is not hashed


def file_digest(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """SHA-256 of a regular file, read in chunks. A FIFO, a device or a folder raises
    :class:`OSError` at once (never a wait on a FIFO's writer). A file larger than ``limit``,
    which no stage reads (inputs stop at 50 MB), stands for its size and time: a sparse 3 GB
    file costs no minute of hashing."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{path}: not a regular file")
        if info.st_size > limit:
            return f"large:{info.st_size}:{info.st_mtime_ns}"
        return hashlib.file_digest(handle, "sha256").hexdigest()


def url_digest(url: str, allowed: tuple[Path, ...]) -> str:
    """The digest of what a ``file:`` URL of a document names, for a cache key: ``missing``
    unless it is a regular file inside one of the ``allowed`` folders (the project, the bundled
    assets), the only files the renderer may read. Any ``file://`` text in a narrative or a
    data cell reaches the HTML, so the URL decides nothing by itself: ``/etc/passwd`` or a
    sparse 3 GB file is never opened."""
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
        return "missing"
    try:
        path = Path(urllib.parse.unquote(parsed.path)).resolve()
    except (OSError, RuntimeError, ValueError):
        return "missing"
    if not any(path.is_relative_to(folder.resolve()) for folder in allowed):
        return "missing"
    try:
        return file_digest(path)
    except (OSError, ValueError):
        return "missing"


@cache
def tool_versions() -> tuple[str, ...]:
    """reportgen's version and those of the libraries whose output ends up in the files."""
    from importlib.metadata import PackageNotFoundError, version

    found = [f"reportgen={__version__}", f"code={_code_digest()}"]
    for name in ("weasyprint", "pydyf", "python-pptx", "matplotlib", "pikepdf", "fonttools", "openpyxl", "babel",
                 "jinja2", "markdown-it-py"):
        try:
            found.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=?")
    return tuple(found)


def _code_digest() -> str:
    # reportgen's own code: a build from a changed checkout (same version number) must not reuse pieces
    h = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


@cache
def bundled_digest() -> str:
    """The bundled templates and assets (fonts): a change there changes every output."""
    from .resources import assets_dir, templates_dir

    h = hashlib.sha256()
    for folder in (templates_dir(), assets_dir()):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()
