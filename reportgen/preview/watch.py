"""Noticing saves: a poll of every file's (mtime, size, inode) under the project folder
(standard library only, works on every filesystem and editor).

A poll must stay cheap whatever the folder holds: linked folders are never followed (two
links to ``.`` made 327.676 entries a poll, 96 % CPU while idle and a save noticed after
17 s), and a scan stops after :data:`MAX_ENTRIES` entries; the preview then says so on the
page rather than polling for ever longer.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

POLL_SECONDS = 0.3  # how often the project folder is scanned
SETTLE_SECONDS = 0.05  # a save in several steps (write, then rename) must stop changing for this long
MAX_ENTRIES = 20_000  # files and folders looked at in one poll
MAX_DEPTH = 16
IGNORED_DIRS = frozenset({"__pycache__", "node_modules", "output", "snapshots"})


class Snapshot(dict[str, tuple[int, int, int]]):
    """(mtime, size, inode) by path relative to the project folder; ``complete`` is False
    when the scan stopped at its limit (what lies past it is not watched)."""

    complete: bool = True


def snapshot(root: Path, max_depth: int = MAX_DEPTH, limit: int = MAX_ENTRIES) -> Snapshot:
    """Every file below ``root`` that can affect the report. Hidden files and folders, editor
    backups (``name~``, ``#name#``), the folders reportgen writes into (``output``,
    ``snapshots``) and linked folders are left out. Folders are read in name order, so a scan
    cut at ``limit`` entries covers the same files every time."""
    found = Snapshot()
    seen = 0

    def walk(folder: str, prefix: str, depth: int) -> bool:  # False once the limit is reached
        nonlocal seen
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            return True
        for entry in entries:
            seen += 1
            if seen > limit:
                found.complete = False
                return False
            name = entry.name
            if name.startswith((".", "#")) or name.endswith("~"):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    if name not in IGNORED_DIRS and depth < max_depth and not walk(entry.path, f"{prefix}{name}/",
                                                                                   depth + 1):
                        return False
                elif not entry.is_dir():  # a linked file is watched (its target's stat), a linked folder never
                    stat = entry.stat()
                    found[prefix + name] = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
            except OSError:  # removed while scanning, or a broken link: the next scan sees it as it is
                continue
        return True

    walk(str(root), "", 0)
    return found


def changed_files(old: Snapshot, new: Snapshot) -> list[str]:
    return sorted(name for name in old.keys() | new.keys() if old.get(name) != new.get(name))


class Watcher:
    """Polls ``root`` every ``every`` seconds; :meth:`changes` yields once a save is complete."""

    def __init__(self, root: Path, every: float = POLL_SECONDS, limit: int = MAX_ENTRIES):
        self.root, self.every, self.limit = root, every, limit
        self.complete = True

    @property
    def warning(self) -> str | None:
        """What the page says while the folder is too big to watch whole."""
        if self.complete:
            return None
        return (f"the project folder holds more than {self.limit} files and folders: changes past the first "
                f"{self.limit} are not noticed; move what the report does not use (old outputs, archives, "
                f"other projects) out of it")

    def scan(self) -> Snapshot:
        found = snapshot(self.root, limit=self.limit)
        self.complete = found.complete
        return found

    def changes(self, stopping: threading.Event) -> Iterator[tuple[str, ...]]:
        """Yield ``()`` at once (the first build; the folder is scanned before it, so a save
        during it is noticed), then the files changed by each save, until ``stopping``."""
        previous = self.scan()
        yield ()
        while not stopping.wait(self.every):
            current = self.scan()
            if current == previous:
                continue
            while not stopping.wait(SETTLE_SECONDS):  # until the save is complete
                again = self.scan()
                if again == current:
                    break
                current = again
            if stopping.is_set():
                return
            changed = changed_files(previous, current)
            previous = current
            yield tuple(changed)
