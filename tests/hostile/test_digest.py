"""Issue 20, items 3 and 4: a cache key never reads what the renderer may not (any ``file://``
text reaches the HTML), and the "nothing changed" fingerprint follows no link and waits on no
FIFO."""

from __future__ import annotations

import hashlib
import os
import signal
from pathlib import Path

import pytest

from reportgen.digest import file_digest, url_digest
from reportgen.uptodate import _file_print, _project_files, fingerprint


@pytest.fixture
def places(tmp_path):
    project, assets, outside = tmp_path / "p", tmp_path / "assets", tmp_path / "outside"
    for folder in (project, assets, outside):
        folder.mkdir()
    (project / "logo.png").write_bytes(b"logo")
    (assets / "font.ttf").write_bytes(b"font")
    (outside / "secret.txt").write_text("secret")
    return project, assets, outside


@pytest.fixture(autouse=True)
def bounded_time():
    # a FIFO opened for reading would block: the test fails instead of hanging
    def stop(signum, frame):
        raise TimeoutError("blocked")
    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _opened(monkeypatch) -> list[str]:
    seen: list[str] = []
    real = os.open

    def recording(path, *args, **kwargs):
        seen.append(os.fsdecode(path))
        return real(path, *args, **kwargs)
    monkeypatch.setattr(os, "open", recording)
    return seen


URLS = {
    "etc-passwd": lambda p, a, o: "file:///etc/passwd",
    "secret": lambda p, a, o: (o / "secret.txt").as_uri(),
    "escaping-dots": lambda p, a, o: p.as_uri() + "/../outside/secret.txt",
    "escaping-encoded": lambda p, a, o: p.as_uri() + "/%2e%2e/outside/secret.txt",
    "dev-zero": lambda p, a, o: "file:///dev/zero",
    "proc": lambda p, a, o: "file:///proc/self/environ",
    "remote-host": lambda p, a, o: "file://example.org" + (p / "logo.png").as_posix(),
    "http": lambda p, a, o: "http://127.0.0.1:9/x",
    "link-inside-to-outside": lambda p, a, o: (p / "link.png").as_uri(),
    "fifo-inside": lambda p, a, o: (p / "pipe.png").as_uri(),
    "folder-inside": lambda p, a, o: p.as_uri(),
    "missing-inside": lambda p, a, o: (p / "nothing.png").as_uri(),
    "nul": lambda p, a, o: (p / "logo.png").as_uri() + "%00.png",
}


@pytest.mark.parametrize("case", URLS)
def test_url_digest_reads_nothing_it_may_not(places, monkeypatch, case):
    project, assets, outside = places
    (project / "link.png").symlink_to(outside / "secret.txt")
    os.mkfifo(project / "pipe.png")
    url = URLS[case](project, assets, outside)
    opened = _opened(monkeypatch)
    assert url_digest(url, (project, assets)) == "missing"
    assert all(Path(p).resolve().is_relative_to(project) for p in opened), opened


@pytest.mark.parametrize("relative", ["p/logo.png", "assets/font.ttf"])
def test_url_digest_of_an_allowed_file_is_its_sha256(places, relative):
    project, assets, _ = places
    path = project.parent / relative
    assert url_digest(path.as_uri(), (project, assets)) == hashlib.sha256(path.read_bytes()).hexdigest()


def test_file_digest_refuses_a_fifo_and_stands_a_huge_file_for_its_size(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(OSError):
        file_digest(tmp_path / "pipe")
    with pytest.raises(OSError):
        file_digest(tmp_path)
    with open(tmp_path / "big", "wb") as handle:
        handle.truncate(3 * 1024 ** 3)
    assert file_digest(tmp_path / "big").startswith("large:3221225472:")


STRAYS = {
    "fifo": lambda p, o: os.mkfifo(p / "pipe"),
    "link-to-dev-zero": lambda p, o: (p / "zero").symlink_to("/dev/zero"),
    "link-to-secret": lambda p, o: (p / "s.txt").symlink_to(o / "secret.txt"),
    "two-links-to-dot": lambda p, o: ((p / "a").symlink_to(p), (p / "b").symlink_to(".")),
    "link-to-root": lambda p, o: (p / "all").symlink_to("/"),
    "link-loop": lambda p, o: (p / "loop").symlink_to(p / "loop"),
}


@pytest.mark.parametrize("case", STRAYS)
def test_fingerprint_follows_no_link_and_waits_on_nothing(places, monkeypatch, case):
    project, _, outside = places
    STRAYS[case](project, outside)
    opened = _opened(monkeypatch)
    first = fingerprint(project, project / "out", {})
    assert first == fingerprint(project, project / "out", {})
    assert all(Path(p).resolve().is_relative_to(project) for p in opened), opened
    assert len(_project_files(project, project / "out")) <= 3


def test_fingerprint_sees_a_link_retargeted(places):
    project, _, outside = places
    (project / "data.csv").symlink_to("logo.png")
    before = fingerprint(project, project / "out", {})
    (project / "data.csv").unlink()
    (project / "data.csv").symlink_to(outside / "secret.txt")
    assert fingerprint(project, project / "out", {}) != before
    assert _file_print(project / "data.csv", project).startswith(b"link:")
