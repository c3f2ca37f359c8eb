"""Issue 20, item 12: a cache entry is used only when it matches its hash; whatever was done to
it, the build publishes the same bytes as a build without the cache."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from reportgen.cache import BuildCache

FORMATS = "pdf,pptx"


@pytest.fixture(scope="module")
def reference(tmp_path_factory, cache_home):
    """One build with a filled cache, and the outputs a build without the cache gives."""
    from tests.hostile.conftest import Hostile

    hostile = Hostile(tmp_path_factory.mktemp("cache-reference"), cache_home)
    hostile.make()
    hostile.assert_safe(hostile.build(formats=FORMATS), ok=True)
    outputs = {p.name: p.read_bytes() for p in hostile.out.iterdir() if p.is_file()}
    return hostile, outputs


def _entries(out: Path, kind: str, suffix: str) -> list[Path]:
    return sorted((out / ".reportgen" / "cache" / kind).glob(f"*/*{suffix}"))


def _flip(path: Path, count: int = 64) -> None:
    data = bytearray(path.read_bytes())
    for i in range(min(count, len(data))):
        position = (i * 7919 + len(data) // 2) % len(data)
        data[position] ^= 0xFF
    path.write_bytes(bytes(data))


def _edit(path: Path, change) -> None:
    meta = json.loads(path.read_text())
    change(meta)
    path.write_text(json.dumps(meta))


def _every(kind: str, suffix: str, action):
    def tamper(out: Path, secret: Path) -> None:
        for path in _entries(out, kind, suffix):
            action(path, secret)
    return tamper


def _link_to(path: Path, target: Path) -> None:
    path.unlink()
    path.symlink_to(target)


def _fifo(path: Path, secret: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _swap_pages(out: Path, secret: Path) -> None:
    # every page entry holds another page's data and metadata: all the right size, none theirs
    entries = _entries(out, "page", ".bin")
    contents = [(p.read_bytes(), p.with_suffix(".json").read_text()) for p in entries]
    for path, (data, meta) in zip(entries, contents[1:] + contents[:1]):
        path.write_bytes(data)
        path.with_suffix(".json").write_text(meta)


def _sources_point_elsewhere(out: Path, secret: Path) -> None:
    pages = [p.stem for p in _entries(out, "page", ".json")]
    for path in _entries(out, "page_source", ".json"):
        _edit(path, lambda meta: meta.update(page=pages[0] if meta.get("page") != pages[0] else pages[-1]))


def _entry_folder_link(out: Path, secret: Path) -> None:
    for folder in sorted((out / ".reportgen" / "cache" / "page").iterdir()):
        moved = secret.parent / f"moved-{folder.name}"
        shutil.move(folder, moved)
        folder.symlink_to(moved)


TAMPERING = {
    "flipped-page-data": _every("page", ".bin", lambda p, s: _flip(p)),
    "flipped-deck-data": _every("deck", ".bin", lambda p, s: _flip(p)),
    "one-flipped-byte": _every("page", ".bin", lambda p, s: _flip(p, 1)),
    "pages-1e9": _every("page", ".json", lambda p, s: _edit(p, lambda m: m.update(pages=1e9))),
    "pages-huge-int": _every("page", ".json", lambda p, s: _edit(p, lambda m: m.update(pages=10**12))),
    "pages-changed": _every("page", ".json", lambda p, s: _edit(p, lambda m: m.update(pages=m["pages"] + 1))),
    "section-pages-negative": _every("page", ".json",
                                     lambda p, s: _edit(p, lambda m: m.update(section_pages={"x": -5}))),
    "size-lie": _every("page", ".json", lambda p, s: _edit(p, lambda m: m.update(size=m["size"] * 1000))),
    "sha-removed": _every("page", ".json", lambda p, s: _edit(p, lambda m: m.pop("sha256"))),
    "json-garbage": _every("page", ".json", lambda p, s: p.write_text("{not json")),
    "json-list": _every("page", ".json", lambda p, s: p.write_text("[1, 2]")),
    "data-truncated": _every("page", ".bin", lambda p, s: p.write_bytes(p.read_bytes()[:100])),
    "data-removed": _every("page", ".bin", lambda p, s: p.unlink()),
    "data-linked-to-secret": _every("page", ".bin", lambda p, s: _link_to(p, s)),
    "meta-linked-to-secret": _every("page", ".json", lambda p, s: _link_to(p, s)),
    "deck-linked-to-secret": _every("deck", ".bin", lambda p, s: _link_to(p, s)),
    "data-fifo": _every("page", ".bin", _fifo),
    "meta-fifo": _every("page", ".json", _fifo),
    "swapped-pages": _swap_pages,
    "sources-point-elsewhere": _sources_point_elsewhere,
    "entry-folder-linked-outside": _entry_folder_link,
}


@pytest.mark.slow
@pytest.mark.parametrize("case", TAMPERING)
def test_tampered_cache_changes_nothing(reference, tmp_path, cache_home, case):
    from tests.hostile.conftest import Hostile

    source, outputs = reference
    hostile = Hostile(tmp_path, cache_home)
    shutil.copytree(source.project, hostile.project, symlinks=True)
    shutil.copytree(source.out, hostile.out, symlinks=True)
    # a new build, not "nothing changed": the outputs are rewritten from the (tampered) cache
    (hostile.project / "report.yaml").write_text((hostile.project / "report.yaml").read_text() + "\n")
    TAMPERING[case](hostile.out, hostile.secret)
    run = hostile.build(formats=FORMATS, timeout=60)
    hostile.assert_safe(run, ok=True)
    for name, data in outputs.items():
        assert (hostile.out / name).read_bytes() == data, name


def test_an_entry_is_read_back_and_refused_once_changed(tmp_path):
    cache = BuildCache(tmp_path)
    key = "ab" * 32
    cache.put("page", key, b"data", {"pages": 3, "section_pages": {"s": 1}, "unnumbered": [0], "warnings": []})
    assert cache.get("page", key) == (b"data", {"pages": 3, "section_pages": {"s": 1}, "unnumbered": [0],
                                                 "warnings": []})
    assert cache.get("page", "cd" * 32) is None
    shutil.copy(tmp_path / "page" / "ab" / f"{key}.bin", tmp_path / "x.bin")
    (tmp_path / "page" / "ab" / f"{key}.bin").write_bytes(b"dbta")
    assert cache.get("page", key) is None
