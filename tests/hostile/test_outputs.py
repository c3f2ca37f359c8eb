"""Issue 20, item 10: the outputs of one build are replaced together or not at all; a target
that cannot be written is one line, exit 2; no temporary file stays behind."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

from reportgen import output
from reportgen.output import TMP_SUFFIX, OutputError, write_all

NEW_TEXT = "Testo cambiato: {{ kpi.costi.scostamento | pct }}.\n"


def _built(hostile) -> dict[str, bytes]:
    hostile.make()
    hostile.assert_safe(hostile.build(formats="pdf,slides"), ok=True)
    (hostile.project / "text" / "risultati.md").write_text(NEW_TEXT)  # the next build differs
    return {p.name: p.read_bytes() for p in hostile.out.iterdir() if p.is_file()}


def _intact(hostile, before: dict[str, bytes], except_: str | None = None) -> None:
    for name, data in before.items():
        if name != except_:
            assert (hostile.out / name).read_bytes() == data, name
    assert not [p for p in hostile.out.rglob(f"*{TMP_SUFFIX}")], "a temporary file stayed behind"


@pytest.mark.parametrize("blocked", ["p.pdf", "p-slides.pdf"])
def test_folder_in_place_of_one_output_leaves_all_as_they_were(hostile, blocked):
    before = _built(hostile)
    (hostile.out / blocked).unlink()
    (hostile.out / blocked).mkdir()
    (hostile.out / blocked / "keep.txt").write_text("mine")
    run = hostile.build("--no-cache", formats="pdf,slides")
    hostile.assert_safe(run, (blocked,), ok=False)
    _intact(hostile, before, except_=blocked)
    assert (hostile.out / blocked / "keep.txt").read_text() == "mine"


def test_output_folder_under_a_file(hostile):
    hostile.make()
    (hostile.tmp / "afile").write_text("x")
    hostile.out = hostile.tmp / "afile" / "out"
    run = hostile.build()
    hostile.assert_safe(run, ("afile",), ok=False)
    assert (hostile.tmp / "afile").read_text() == "x"


def test_output_folder_is_a_file(hostile):
    hostile.make()
    hostile.out.write_text("x")
    run = hostile.run("build", str(hostile.project), "--out", str(hostile.out), "--format", "pdf", "--jobs", "1")
    assert "Traceback" not in run.stderr
    assert run.code == 2
    assert hostile.out.read_text() == "x"


def test_stale_temporary_files_are_removed(hostile):
    before = _built(hostile)
    (hostile.out / f".p.pdf.abc{TMP_SUFFIX}").write_bytes(b"half")
    run = hostile.build("--no-cache", formats="pdf,slides")
    hostile.assert_safe(run, ok=True)
    assert before["p.pdf"] != (hostile.out / "p.pdf").read_bytes()
    assert not list(hostile.out.glob(f"*{TMP_SUFFIX}"))


# -- in this process: a rename failing half-way through the set


def _files(folder: Path, tag: bytes) -> dict[Path, bytes]:
    return {folder / f"{name}.pdf": tag + name.encode() for name in ("a", "b", "c", "d")}


@pytest.mark.parametrize("failing", [0, 1, 2, 3])
def test_a_rename_failing_restores_the_ones_already_renamed(tmp_path, monkeypatch, failing):
    write_all(_files(tmp_path, b"old-"))
    replace, calls = os.replace, []

    def flaky(source, target):
        calls.append(target)
        if len(calls) == failing + 1 and str(source).endswith(TMP_SUFFIX) and ".old" not in str(source):
            raise PermissionError(13, "Permission denied")
        return replace(source, target)

    monkeypatch.setattr(output.os, "replace", flaky)
    with pytest.raises(OutputError) as info:
        write_all(_files(tmp_path, b"new-"))
    assert "Permission denied" in str(info.value)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {
        p.name: d for p, d in _files(tmp_path, b"old-").items()}


def test_a_rename_failing_removes_the_outputs_that_were_new(tmp_path, monkeypatch):
    (tmp_path / "a.pdf").write_bytes(b"old")
    replace, calls = os.replace, []

    def flaky(source, target):
        calls.append(target)
        if Path(target).name == "c.pdf":
            raise OSError(28, "No space left on device")
        return replace(source, target)

    monkeypatch.setattr(output.os, "replace", flaky)
    with pytest.raises(OutputError):
        write_all({tmp_path / n: b"new" for n in ("a.pdf", "b.pdf", "c.pdf")})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf"]
    assert (tmp_path / "a.pdf").read_bytes() == b"old"


def test_a_write_failing_leaves_no_temporary_file(tmp_path, monkeypatch):
    real = output._write_temporary

    def full(path, data, durable=True):
        if path.name == "b.pdf":
            raise OSError(28, "No space left on device")
        return real(path, data, durable)

    monkeypatch.setattr(output, "_write_temporary", full)
    with pytest.raises(OutputError) as info:
        write_all({tmp_path / n: b"new" for n in ("a.pdf", "b.pdf")})
    assert "b.pdf" in str(info.value) and "No space left" in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_without_hard_links_the_outputs_are_still_replaced(tmp_path):
    # the previous files are kept as hard links until the end: a file system without them copies
    target = tmp_path / "a.pdf"
    target.write_bytes(b"old")
    original = os.link

    def no_links(*args, **kwargs):
        raise OSError(1, "Operation not permitted")

    try:
        os.link = no_links
        write_all({target: b"new"})
    finally:
        os.link = original
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]
    shutil.rmtree(tmp_path)


# -- a file system that refuses the writes: read-only or full (simulated by the harness)

@pytest.mark.parametrize("errno_name", ["EROFS", "ENOSPC", "EACCES"])
def test_output_folder_that_refuses_writes_keeps_the_previous_outputs(hostile, errno_name):
    before = _built(hostile)
    run = hostile.build("--no-cache", formats="pdf,slides", env={"RG_DENY_WRITES": f"{errno_name}:{hostile.out}"})
    hostile.assert_safe(run, (str(hostile.out),), ok=False)
    assert len(run.errors()) == 1
    assert os.strerror(getattr(errno, errno_name)) in run.errors()[0]  # the simulated failure, not another
    _intact(hostile, before)


@pytest.mark.parametrize("errno_name", ["EROFS", "ENOSPC"])
def test_output_folder_that_cannot_be_made(hostile, errno_name):
    hostile.make()
    hostile.out = hostile.tmp / "ro" / "out"
    hostile.out.parent.mkdir()
    run = hostile.build(env={"RG_DENY_WRITES": f"{errno_name}:{hostile.out.parent}"})
    hostile.assert_safe(run, (str(hostile.out),), ok=False)
    assert os.strerror(getattr(errno, errno_name)) in run.errors()[0]
    assert not hostile.out.exists()
