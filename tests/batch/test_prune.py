"""The pieces' cache of a batch is pruned once every PRUNE_EVERY cards made, not after each
changed unit (a pruning reads every entry)."""

from __future__ import annotations

from reportgen.batch import run
from reportgen.cache import BuildCache


def test_the_cache_is_pruned_first_then_once_every_so_many_cards(tmp_path, monkeypatch):
    pruned = []
    monkeypatch.setattr(BuildCache, "prune", lambda self: pruned.append(self.folder))
    mark = tmp_path / "name.pruned.json"
    run._prune(tmp_path / "cache", mark, 499)  # the first batch
    assert pruned == [tmp_path / "cache"]
    for _ in range(run.PRUNE_EVERY - 1):  # one changed unit at a time
        run._prune(tmp_path / "cache", mark, 1)
    run._prune(tmp_path / "cache", mark, 0)  # nothing made: nothing counted
    assert len(pruned) == 1
    run._prune(tmp_path / "cache", mark, 1)
    assert len(pruned) == 2
    mark.write_text("not json", encoding="utf-8")  # a lost count prunes rather than never
    run._prune(tmp_path / "cache", mark, 1)
    assert len(pruned) == 3
