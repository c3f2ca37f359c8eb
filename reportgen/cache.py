"""The build cache: rendered pieces kept by content digest (see :mod:`reportgen.digest`).

An entry is a data file and, for entries with metadata, a small JSON file beside it; both
are written atomically, so an interrupted build never leaves a half entry that a later
build would trust. Nothing is unpickled: the cache lives in the output folder and may be
shared or copied, so it must never become a way to run code. Entries not used for a while
are removed when the cache grows past its size limit (least recently used first).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from .output import write_atomic

_KEY = re.compile(r"^[0-9a-f]{64}$")
DEFAULT_LIMIT = 512 * 1024 * 1024


class BuildCache:
    """``folder`` None disables the cache: nothing is read or written."""

    def __init__(self, folder: Path | None, limit: int = DEFAULT_LIMIT):
        self.folder = folder
        self.limit = limit

    def _path(self, kind: str, key: str, suffix: str) -> Path:
        if not _KEY.match(key) or not kind.isidentifier():
            raise ValueError(f"bad cache key {kind}/{key}")
        return self.folder / kind / key[:2] / f"{key}{suffix}"

    def get(self, kind: str, key: str) -> tuple[bytes, dict] | None:
        """The entry's data and metadata, or None."""
        if self.folder is None:
            return None
        data_path, meta_path = self._path(kind, key, ".bin"), self._path(kind, key, ".json")
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            data = data_path.read_bytes()
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or meta.get("size") != len(data):
            return None
        try:
            os.utime(meta_path)  # recently used: kept when the cache is pruned
        except OSError:
            pass
        return data, meta

    def put(self, kind: str, key: str, data: bytes, meta: dict | None = None) -> None:
        if self.folder is None:
            return
        try:
            write_atomic(self._path(kind, key, ".bin"), data, durable=False)
            # the metadata goes last: an entry counts only once its data is complete
            write_atomic(self._path(kind, key, ".json"),
                         json.dumps({**(meta or {}), "size": len(data)}, sort_keys=True).encode("utf-8"), durable=False)
        except OSError:
            pass  # a full disk or a read-only folder costs speed, never the build

    def prune(self) -> None:
        """Remove the least recently used entries until the cache fits its limit."""
        if self.folder is None or not self.folder.is_dir():
            return
        entries = []
        for meta_path in self.folder.glob("*/*/*.json"):
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
