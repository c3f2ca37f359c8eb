"""Stage 6, files: outputs are written atomically.

Every output is first written to a temporary file beside its target; only when all of them
are written are they renamed over the targets, so a failed build (an error, a full disk, an
interruption) leaves the previous outputs as they were and a reader never sees half a file.
A build killed outright can leave temporary files behind: the next build removes them.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

TMP_SUFFIX = ".reportgen-tmp"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_temporary(path: Path, data: bytes, durable: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TMP_SUFFIX, dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; outputs are ordinary files
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    """Replace ``path`` at once; ``durable=False`` skips the flush to disk (for what can be
    made again, like cache entries)."""
    os.replace(_write_temporary(path, data, durable), path)


def remove_stale(folder: Path) -> None:
    """Temporary files of a build that was killed before it could clean up."""
    for stale in folder.glob(f".*{TMP_SUFFIX}") if folder.is_dir() else ():
        stale.unlink(missing_ok=True)


def write_all(files: dict[Path, bytes]) -> list[Path]:
    """Write several outputs: all to temporary files, then all renamed into place."""
    for folder in {path.parent for path in files}:
        remove_stale(folder)
    written: dict[Path, Path] = {}
    try:
        for path, data in files.items():
            written[path] = _write_temporary(path, data)
    except BaseException:
        for tmp in written.values():
            tmp.unlink(missing_ok=True)
        raise
    for path, tmp in written.items():
        os.replace(tmp, path)
    return list(files)
