"""The build cache: rendered pieces kept by content digest (see :mod:`reportgen.digest`).

An entry is a data file and, for entries with metadata, a small JSON file beside it; both
are written atomically, so an interrupted build never leaves a half entry that a later
build would trust. Nothing is unpickled: the cache lives in the output folder and may be
shared or copied, so it must never become a way to run code, and every entry is checked
against a hash of its data and metadata before it is used. Entries not used for a while
are removed when the cache grows past its size limit (least recently used first).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from pathlib import Path

from .output import write_atomic

_KEY = re.compile(r"^[0-9a-f]{64}$")
DEFAULT_LIMIT = 512 * 1024 * 1024


MAX_META_BYTES = 1024 * 1024
MAX_CLAIM = 1_000_000  # no count an entry holds (pages, a page number) is larger


def _seal(kind: str, key: str, data: bytes, meta: dict) -> str:
    """The hash an entry is checked against when read: its data and metadata, bound to the
    key it is stored under (an entry copied under another key, a flipped byte, an edited
    page count are all refused)."""
    h = hashlib.sha256(f"{kind}\0{key}\0".encode())
    h.update(json.dumps(meta, sort_keys=True).encode("utf-8") + b"\0")
    h.update(data)
    return h.hexdigest()


def _bounded(value) -> bool:
    """Metadata holds small non-negative integers, short texts, lists and mappings of them."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return True
    if isinstance(value, int):
        return 0 <= value <= MAX_CLAIM
    if isinstance(value, list):
        return len(value) <= MAX_CLAIM and all(_bounded(v) for v in value)
    if isinstance(value, dict):
        return len(value) <= MAX_CLAIM and all(_bounded(v) for v in value.values())
    return False  # a float (1e9), anything else


def _read_regular(path: Path, limit: int) -> bytes:
    # never through a link (an entry linked to /etc/passwd), never a FIFO, never past the limit
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            raise OSError(f"{path}: not a cache entry")
        return handle.read(limit + 1)


class BuildCache:
    """``folder`` None disables the cache: nothing is read or written."""

    def __init__(self, folder: Path | None, limit: int = DEFAULT_LIMIT):
        self.folder = folder
        self.limit = limit

    def _path(self, kind: str, key: str, suffix: str) -> Path:
        if not _KEY.match(key) or not kind.isidentifier():
            raise ValueError(f"bad cache key {kind}/{key}")
        return self.folder / kind / key[:2] / f"{key}{suffix}"

    def _inside(self, path: Path) -> bool:
        # the entry's folders are not links leading elsewhere either
        try:
            return path.parent.resolve() == self.folder.resolve() / path.parent.relative_to(self.folder)
        except (OSError, RuntimeError, ValueError):
            return False

    def get(self, kind: str, key: str) -> tuple[bytes, dict] | None:
        """The entry's data and metadata, or None when there is none or it fails its checks
        (the cache is on disk, where anything may have changed it)."""
        if self.folder is None:
            return None
        data_path, meta_path = self._path(kind, key, ".bin"), self._path(kind, key, ".json")
        if not self._inside(meta_path):
            return None
        try:
            meta = json.loads(_read_regular(meta_path, MAX_META_BYTES).decode("utf-8"))
            if not isinstance(meta, dict) or not isinstance(meta.get("size"), int) or \
                    not 0 <= meta["size"] <= self.limit:
                return None
            data = _read_regular(data_path, meta["size"])
        except (OSError, ValueError):
            return None
        seal = meta.pop("sha256", None)
        if meta.pop("size") != len(data) or not _bounded(meta) or seal != _seal(kind, key, data, meta):
            return None
        try:
            os.utime(meta_path, follow_symlinks=False)  # recently used: kept when the cache is pruned
        except OSError:
            pass
        return data, meta

    def put(self, kind: str, key: str, data: bytes, meta: dict | None = None) -> None:
        if self.folder is None:
            return
        meta = meta or {}
        data_path = self._path(kind, key, ".bin")
        if data_path.parent.exists() and not self._inside(data_path):
            return  # a folder of the cache linked elsewhere: nothing is written through it
        try:
            write_atomic(data_path, data, durable=False)
            # the metadata goes last: an entry counts only once its data is complete
            sealed = {**meta, "size": len(data), "sha256": _seal(kind, key, data, meta)}
            write_atomic(self._path(kind, key, ".json"), json.dumps(sealed, sort_keys=True).encode("utf-8"),
                         durable=False)
        except OSError:
            pass  # a full disk or a read-only folder costs speed, never the build

    def prune(self) -> None:
        """Remove the least recently used entries until the cache fits its limit."""
        if self.folder is None or not self.folder.is_dir():
            return
        entries = []
        for meta_path in self.folder.glob("*/*/*.json"):
            if not self._inside(meta_path):
                continue  # never removes anything through a link
            data_path = meta_path.with_suffix(".bin")
            try:
                size = meta_path.stat().st_size + (data_path.stat().st_size if data_path.exists() else 0)
                entries.append((meta_path.stat().st_mtime, size, meta_path, data_path))
            except OSError:
                continue
        total = sum(e[1] for e in entries)
        for _, size, meta_path, data_path in sorted(entries, key=lambda e: e[0]):
            if total <= self.limit:
                break
            for path in (meta_path, data_path):
                path.unlink(missing_ok=True)
            total -= size
