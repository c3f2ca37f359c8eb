"""The build cache: what is put is what comes back, a missing or damaged entry is none, the
cache is pruned least recently used first."""

from __future__ import annotations

import hashlib
import os

import pytest

from reportgen.cache import BuildCache


def _key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_an_entry_comes_back_as_it_was_put(tmp_path):
    cache = BuildCache(tmp_path / "cache")
    cache.put("page", _key("a"), b"%PDF a", {"pages": 3, "warnings": ["w"]})
    data, meta = cache.get("page", _key("a"))
    assert data == b"%PDF a"
    assert meta == {"pages": 3, "warnings": ["w"]}  # the size and the seal are the cache's own
    cache.put("chart", _key("a"), b"<svg/>")  # the same key under another kind: another entry
    assert cache.get("chart", _key("a"))[0] == b"<svg/>" and cache.get("page", _key("a"))[0] == b"%PDF a"
    assert BuildCache(tmp_path / "cache").get("page", _key("a"))[0] == b"%PDF a"  # on disk, for the next build


def test_a_missing_entry_is_none(tmp_path):
    cache = BuildCache(tmp_path / "cache")
    assert cache.get("page", _key("never put")) is None
    cache.put("page", _key("a"), b"data")
    assert cache.get("chart", _key("a")) is None


def test_a_damaged_entry_is_none(tmp_path):
    cache = BuildCache(tmp_path / "cache")
    cache.put("page", _key("short"), b"0123456789")
    data_path = next((tmp_path / "cache").rglob("*.bin"))
    data_path.write_bytes(b"01234")  # an interrupted copy
    assert cache.get("page", _key("short")) is None
    cache.put("page", _key("meta"), b"data")
    next(p for p in (tmp_path / "cache").rglob("*.json") if p.stem == _key("meta")).write_text("{", encoding="utf-8")
    assert cache.get("page", _key("meta")) is None


def test_no_folder_no_cache(tmp_path):
    cache = BuildCache(None)
    cache.put("page", _key("a"), b"data")
    assert cache.get("page", _key("a")) is None
    cache.prune()


def test_a_key_is_a_digest_and_a_kind_a_name(tmp_path):
    cache = BuildCache(tmp_path / "cache")
    for kind, key in [("page", "../../etc/passwd"), ("page", _key("a")[:63]), ("../page", _key("a"))]:
        with pytest.raises(ValueError):
            cache.get(kind, key)
    assert not (tmp_path / "cache").exists()


def _entry_files(folder, name: str) -> list:
    return sorted(folder.rglob(f"{_key(name)}.*"))


def test_prune_removes_the_least_recently_used_until_the_cache_fits(tmp_path):
    folder = tmp_path / "cache"
    cache = BuildCache(folder, limit=10**9)
    for number, name in enumerate(["old", "used", "new"]):
        cache.put("page", _key(name), bytes(1000))
        os.utime(next(folder.rglob(f"{_key(name)}.json")), (1e6 + number, 1e6 + number))
    entry = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) // 3
    assert cache.get("page", _key("used")) is not None  # read now: the most recently used
    assert next(folder.rglob(f"{_key('used')}.json")).stat().st_mtime > 1e6 + 2

    cache.prune()  # within the limit: nothing goes
    assert all(len(_entry_files(folder, name)) == 2 for name in ["old", "used", "new"])

    BuildCache(folder, limit=2 * entry + 10).prune()
    assert _entry_files(folder, "old") == []  # data and metadata
    assert len(_entry_files(folder, "used")) == len(_entry_files(folder, "new")) == 2

    BuildCache(folder, limit=entry + 10).prune()
    assert _entry_files(folder, "new") == [] and len(_entry_files(folder, "used")) == 2
