"""Stage 6, files: outputs are written atomically.

Every output is first written to a temporary file beside its target; only when all of them
are written are they renamed over the targets, so a failed build (an error, a full disk, an
interruption) leaves the previous outputs as they were and a reader never sees half a file.
When a rename fails (a folder in the target's place), the targets already renamed get their
previous files back: the outputs of one build are replaced together or not at all.
A build killed outright can leave temporary files behind: the next build removes them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .errors import InputError, Location

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


class OutputError(InputError):
    """An output cannot be written (a read-only or full folder, a folder where the file goes,
    a file where a folder goes): the previous outputs are as they were."""


def _cannot(path: Path, exc: OSError) -> OutputError:
    if isinstance(exc, FileExistsError | NotADirectoryError):
        reason = "a file stands where its folder should be"
    else:
        reason = exc.strerror or str(exc) or exc.__class__.__name__
    return OutputError(f"cannot be written ({reason}); the previous outputs are unchanged", Location(str(path)))


def write_all(files: dict[Path, bytes]) -> list[Path]:
    """Write several outputs together: all of them replaced, or none (whatever fails, the
    previous outputs are left as they were and no temporary file stays behind). Raises
    :class:`OutputError` naming the file that could not be written."""
    for path in files:
        if path.is_dir() and not path.is_symlink():
            raise OutputError("is a folder: cannot be replaced by the output; the previous outputs are unchanged",
                              Location(str(path)))
    written: dict[Path, Path] = {}
    current = next(iter(files), Path("."))
    try:
        for folder in {path.parent for path in files}:
            remove_stale(folder)
        for path, data in files.items():
            current = path
            written[path] = _write_temporary(path, data)
    except OSError as exc:
        _discard(written.values())
        raise _cannot(current, exc) from None
    except BaseException:
        _discard(written.values())
        raise
    _replace_together(written)
    return list(files)


def _discard(paths) -> None:
    for path in paths:
        try:
            Path(path).unlink(missing_ok=True)
        except OSError:
            pass


def _keep(path: Path, backup: Path) -> None:
    try:
        os.link(path, backup, follow_symlinks=False)  # no copy: the previous file stays where it is
    except OSError:
        shutil.copyfile(path, backup, follow_symlinks=False)  # a file system without hard links


def _replace_together(written: dict[Path, Path]) -> None:
    """Rename each temporary file over its target; when one rename fails, the targets
    already replaced get their previous files back (kept as hard links until the end)."""
    kept: dict[Path, Path | None] = {}  # target → its previous file, None when there was none
    done: list[Path] = []
    try:
        for path, tmp in written.items():
            current = path
            kept[path] = None
            if os.path.lexists(path):
                backup = tmp.with_name(tmp.name.replace(TMP_SUFFIX, ".old" + TMP_SUFFIX))
                _keep(path, backup)
                kept[path] = backup
            os.replace(tmp, path)
            done.append(path)
    except OSError as exc:
        for path in done:  # back as they were
            try:
                if kept[path] is not None:
                    os.replace(kept[path], path)
                else:
                    path.unlink(missing_ok=True)
            except OSError:
                pass
        _discard([*written.values(), *(b for b in kept.values() if b is not None)])
        raise _cannot(current, exc) from None
    except BaseException:
        _discard([*written.values(), *(b for b in kept.values() if b is not None)])
        raise
    _discard(b for b in kept.values() if b is not None)
