"""`reportgen preview`: the live HTML preview, over real HTTP on an ephemeral port.

Each test starts a server on its own copy of the 2024 sample and stops it at the end; the
servers share one chart cache, so only the first build of the session draws the charts."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from markupsafe import escape

from reportgen.api import compute_project
from reportgen.cli import main
from reportgen.content import formatter_for
from reportgen.errors import InputError, Location
from reportgen.load import load_project
from reportgen.preview import DrawnCharts, PreviewServer, problems_page, safe_file, snapshot
from reportgen.resources import assets_dir

CHARTS = DrawnCharts()
TIMEOUT = 60.0


@pytest.fixture
def preview(sample_copy: Path, request) -> PreviewServer:
    server = PreviewServer(sample_copy, host="127.0.0.1", port=0, poll=0.1, charts=CHARTS)
    request.addfinalizer(server.stop)
    server.start()
    server.wait_for_build(timeout=TIMEOUT)
    return server


def fetch(server: PreviewServer, path: str, headers: dict | None = None) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(server.url.rstrip("/") + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def page(server: PreviewServer) -> str:
    status, body, _ = fetch(server, "/")
    assert status == 200
    return body.decode("utf-8")


def rebuilt(server: PreviewServer, after: int, shows: str, timeout: float = TIMEOUT) -> str:
    """Wait for a build after ``after`` whose page contains ``shows``; return the page."""
    deadline = time.monotonic() + timeout
    while True:
        build = server.wait_for_build(after, timeout=max(0.1, deadline - time.monotonic()))
        text = page(server)
        if shows in text:
            return text
        if time.monotonic() > deadline:
            raise AssertionError(f"the page never showed {shows!r}")
        after = build.number


@pytest.mark.slow
def test_serves_the_report_with_its_sections_and_computed_figures(preview):
    loaded = load_project(preview.root)
    result = compute_project(preview.root)
    figure = result.figure("ieep.ieep_accertato.scostamento")
    printed = formatter_for(loaded.config).figure(figure)  # as the narrative prints it: "+51,04 %"
    text = page(preview)
    assert preview.build.ok and preview.build_number == 1
    for section in loaded.config.walk():
        assert str(escape(section.title)) in text
    assert str(escape(printed)) in text
    assert "file:" not in text  # every file URL rewritten to a path of the server
    assert "data:image/svg+xml;base64," in text  # the charts, inline
    status, css, headers = fetch(preview, "/_preview/report.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    assert b'url("/_assets/fonts/TitilliumWeb-Regular.ttf")' in css and b"file:" not in css
    status, screen, _ = fetch(preview, "/_preview/screen.css")
    assert status == 200 and b"210mm" in screen
    status, script, _ = fetch(preview, "/_preview/reload.js")
    assert status == 200 and b"sessionStorage" in script
    assert 'src="/_preview/reload.js"' in text
    _, _, headers = fetch(preview, "/")
    assert "script-src 'self'" in headers["Content-Security-Policy"]


@pytest.mark.slow
def test_a_narrative_edit_is_served_without_redrawing_charts(preview):
    before = preview.build_number
    sentence = "Questa frase è stata aggiunta durante la stesura."
    premessa = preview.root / "text" / "premessa.md"
    premessa.write_text(premessa.read_text(encoding="utf-8") + f"\n{sentence}\n", encoding="utf-8")
    rebuilt(preview, before, sentence)
    assert preview.build_number > before
    assert preview.build.ok and preview.build.charts_drawn == 0 and preview.build.charts_reused > 0
    assert "text/premessa.md" in preview.build.changed


@pytest.mark.slow
def test_a_data_edit_redraws_only_the_charts_that_show_it(preview):
    before = preview.build_number
    data = preview.root / "data" / "lavoro_distanza.csv"
    data.write_text(data.read_text(encoding="utf-8").replace("1,00%", "1,50%").replace("74,70%", "74,20%"),
                    encoding="utf-8")
    rebuilt(preview, before, "74,20")
    assert preview.build.ok and preview.build.charts_drawn == 1  # "Giornate per tipologia", not the other 13


def test_the_page_and_version_answer_the_reload_poll(preview):
    status, body, _ = fetch(preview, "/_version")
    version = json.loads(body)
    assert status == 200 and version == {"build": preview.build_number, "server": preview.server_id, "ok": True}
    started = time.monotonic()
    assert preview.wait_for_change(str(preview.build_number), preview.server_id, timeout=0.3)["build"] == 1
    assert time.monotonic() - started >= 0.25  # nothing changed: the long poll waited
    status, body, _ = fetch(preview, f"/_reload?since=0&server={preview.server_id}")
    assert json.loads(body)["build"] == preview.build_number  # an older page: answered at once
    status, body, _ = fetch(preview, "/_reload?since=1&server=another-run")
    assert json.loads(body)["server"] == preview.server_id  # a page of an earlier server: reloads


def test_only_files_inside_the_assets_and_the_project_are_served(preview):
    status, body, headers = fetch(preview, "/_assets/fonts/TitilliumWeb-Regular.ttf")
    assert status == 200 and headers["Content-Type"] == "font/ttf"
    assert body == (assets_dir() / "fonts" / "TitilliumWeb-Regular.ttf").read_bytes()
    status, body, _ = fetch(preview, "/_project/text/premessa.md")
    assert status == 200 and body == (preview.root / "text" / "premessa.md").read_bytes()

    (preview.root / "leak.txt").symlink_to("/etc/passwd")
    (preview.root / "data" / "up").symlink_to(preview.root.parent)
    (preview.root.parent / "secret.txt").write_text("segreto", encoding="utf-8")
    (preview.root / ".env").write_text("TOKEN=x", encoding="utf-8")
    refused = [
        "/_project/../../etc/passwd", "/_project/%2e%2e/%2e%2e/etc/passwd", "/_project/..%2F..%2Fetc%2Fpasswd",
        "/_assets/../pyproject.toml", "/_assets/%2E%2E/pyproject.toml", "/_assets/fonts/../../pyproject.toml",
        "/_project//etc/passwd", "/_project/%2Fetc%2Fpasswd", "/_project/leak.txt", "/_project/data/up/secret.txt",
        "/_project/.env", "/_project/text", "/_project/", "/_assets/fonts", "/_project/text/%00premessa.md",
        "/_project/text\\..\\..\\secret.txt", "/_project/%ff%fe", "/etc/passwd", "/pyproject.toml",
        "/_project/data/nonexistent.csv", "/_project/" + "a" * 300,  # a name too long for the filesystem
    ]
    for path in refused:
        status, body, _ = fetch(preview, path)
        assert status == 404, path
        assert b"root:" not in body and b"segreto" not in body and b"[project]" not in body


def test_a_projects_scripts_and_pages_are_served_as_bytes_never_run(preview):
    for name in ("x.js", "x.html", "x.xhtml", "x.mjs"):
        (preview.root / name).write_text("fetch('/_project/report.yaml')", encoding="utf-8")
        status, _, headers = fetch(preview, f"/_project/{name}")
        assert status == 200 and headers["Content-Type"] == "application/octet-stream", name
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_answers_only_to_loopback_host_names(preview):
    port = preview.url.rsplit(":", 1)[1].strip("/")
    assert fetch(preview, "/", {"Host": f"localhost:{port}"})[0] == 200
    status, body, _ = fetch(preview, "/_project/report.yaml", {"Host": f"attacker.example:{port}"})
    assert status == 403 and b"administration" not in body  # DNS rebinding cannot read the draft


@pytest.mark.slow
def test_project_images_are_served_from_the_project(preview):
    before = preview.build_number
    image = preview.root / "images" / "organigramma.png"
    image.parent.mkdir()
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    premessa = preview.root / "text" / "premessa.md"
    premessa.write_text(premessa.read_text(encoding="utf-8") + "\n![Organigramma](images/organigramma.png)\n",
                        encoding="utf-8")
    rebuilt(preview, before, 'src="/_project/images/organigramma.png"')
    status, body, headers = fetch(preview, "/_project/images/organigramma.png")
    assert status == 200 and body == image.read_bytes() and headers["Content-Type"] == "image/png"


@pytest.mark.slow
def test_project_errors_are_shown_on_the_page_until_fixed(preview):
    premessa = preview.root / "text" / "premessa.md"
    original = premessa.read_text(encoding="utf-8")
    before = preview.build_number
    premessa.write_text(original + "\nValore: {{ ieep.riga_che_non_esiste.consuntivo }}.\n", encoding="utf-8")
    text = rebuilt(preview, before, "problem")
    assert not preview.build.ok
    assert "text/premessa.md" in text and "riga_che_non_esiste" in text
    assert "Traceback" not in text
    assert json.loads(fetch(preview, "/_version")[1])["ok"] is False
    broken = preview.build_number
    premessa.write_text(original, encoding="utf-8")
    text = rebuilt(preview, broken, str(escape(load_project(preview.root).config.sections[0].title)))
    assert preview.build.ok and "riga_che_non_esiste" not in text


def test_every_problem_is_listed_with_its_location(preview):
    before = preview.build_number
    ieep = preview.root / "data" / "ieep.csv"
    ieep.write_text(ieep.read_text(encoding="utf-8").replace("89.348.630,21", "<b>novanta</b>"), encoding="utf-8")
    (preview.root / "text" / "organi.md").write_text("{{ tabella_inesistente.x.y }}\n", encoding="utf-8")
    text = rebuilt(preview, before, "problem")
    assert "data/ieep.csv" in text and "&lt;b&gt;novanta&lt;/b&gt;" in text and "<b>novanta" not in text
    assert len(preview.build.problems) >= 1


@pytest.mark.slow
def test_a_bug_in_a_rebuild_is_shown_and_the_server_goes_on(preview, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("<boom>")

    before = preview.build_number
    preview.builder._report = broken
    (preview.root / "text" / "premessa.md").write_text("Prima.\n", encoding="utf-8")
    text = rebuilt(preview, before, "Internal error")
    assert "RuntimeError: &lt;boom&gt;" in text and "<boom>" not in text
    assert "build" in caplog.text and "RuntimeError" in caplog.text
    del preview.builder._report
    failed = preview.build_number
    (preview.root / "text" / "premessa.md").write_text("Dopo la correzione.\n", encoding="utf-8")
    rebuilt(preview, failed, "Dopo la correzione.")
    assert preview.build.ok


def test_problems_page_escapes_everything():
    problem = InputError('<script>alert("x")</script>', Location("text/<img src=x>.md", row=3, column="<c>"))
    text = problems_page("1 problem <i>", [problem], 4, "abc")
    assert "<script>alert" not in text and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text
    assert "text/&lt;img src=x&gt;.md, row 3, column &#x27;&lt;c&gt;&#x27;" in text
    assert "1 problem &lt;i&gt;" in text


def test_safe_file_refuses_anything_outside(tmp_path):
    base = tmp_path / "base"
    (base / "sub").mkdir(parents=True)
    (base / "sub" / "a.txt").write_text("a", encoding="utf-8")
    (tmp_path / "outside.txt").write_text("o", encoding="utf-8")
    os.symlink(tmp_path / "outside.txt", base / "out.txt")
    os.symlink(base / "sub" / "a.txt", base / "in.txt")
    assert safe_file(base, "sub/a.txt") == (base / "sub" / "a.txt").resolve()
    assert safe_file(base, "in.txt") == (base / "sub" / "a.txt").resolve()  # a link that stays inside
    for name in ("../outside.txt", "out.txt", "sub/../../outside.txt", "%2e%2e/outside.txt", str(tmp_path / "outside.txt"),
                 "sub", "", "sub//a.txt", "./sub/a.txt", ".hidden", "sub\\a.txt"):
        assert safe_file(base, name) is None, name


def test_snapshot_sees_project_files_not_backups_or_outputs(tmp_path):
    for name in ("report.yaml", "text/a.md", "text/a.md~", "text/.a.md.swp", ".git/config", "output/x.pdf",
                 "snapshots/pdf/1.png", "images/logo.png"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert sorted(snapshot(tmp_path)) == ["images/logo.png", "report.yaml", "text/a.md"]


def test_cli_help_explains_every_option():
    result = CliRunner().invoke(main, ["preview", "--help"])
    assert result.exit_code == 0
    for option in ("--port", "--host", "--open / --no-open"):
        assert option in result.output


def test_linked_folders_are_not_followed_so_a_poll_stays_quick(sample_copy):
    plain = snapshot(sample_copy)
    os.symlink(".", sample_copy / "again")
    os.symlink(sample_copy, sample_copy / "text" / "project")  # two links to the project folder itself
    os.symlink(sample_copy / "data" / "ieep.csv", sample_copy / "linked.csv")
    started = time.monotonic()
    linked = snapshot(sample_copy)
    assert time.monotonic() - started < 1.0
    assert linked.complete and sorted(linked) == sorted([*plain, "linked.csv"])  # a linked file is still watched


def test_a_poll_looks_at_a_bounded_number_of_entries(tmp_path):
    for i in range(30):
        (tmp_path / "data" / f"{i:02}.csv").parent.mkdir(exist_ok=True)
        (tmp_path / "data" / f"{i:02}.csv").write_text("x", encoding="utf-8")
    assert snapshot(tmp_path, limit=31).complete and len(snapshot(tmp_path, limit=31)) == 30
    cut = snapshot(tmp_path, limit=10)
    assert not cut.complete and sorted(cut) == [f"data/{i:02}.csv" for i in range(9)]  # "data" itself is the first of the ten
    assert snapshot(tmp_path, limit=10) == cut  # the same files at every poll: no change seen where there is none


def test_a_folder_too_big_to_watch_is_said_on_the_page(tmp_path):
    for i in range(12):
        (tmp_path / f"note{i:02}.txt").write_text("x", encoding="utf-8")
    with PreviewServer(tmp_path, port=0, poll=0.1, charts=CHARTS, max_entries=5, log=lambda line: None) as server:
        server.wait_for_build(timeout=TIMEOUT)
        text = page(server)
    assert not server.build.ok and "report.yaml" in text  # the project itself has a problem: no report.yaml
    assert "more than 5 files and folders" in text


def test_300_parallel_requests_all_answer(tmp_path):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    count = 300
    start = Barrier(count)

    def get(path: str) -> int:
        start.wait()
        request = urllib.request.Request(server.url.rstrip("/") + path)
        with urllib.request.urlopen(request, timeout=5) as response:
            response.read()
            return response.status

    with PreviewServer(tmp_path, port=0, charts=CHARTS, log=lambda line: None) as server:
        server.wait_for_build(timeout=TIMEOUT)  # a folder without report.yaml: its problems page
        started = time.monotonic()
        with ThreadPoolExecutor(count) as pool:
            statuses = list(pool.map(get, ["/", "/_version", "/_preview/reload.js"] * (count // 3)))
    assert statuses == [200] * count
    assert time.monotonic() - started < 20


def test_a_client_that_sends_nothing_does_not_hold_its_thread(tmp_path, monkeypatch):
    import socket

    from reportgen.preview import server as http

    assert http._Handler.timeout == http.CLIENT_TIMEOUT <= 30  # by default too: a slow client lets go
    monkeypatch.setattr(http._Handler, "timeout", 0.5)  # shorter, for the test's sake
    with PreviewServer(tmp_path, port=0, charts=CHARTS, log=lambda line: None) as server:
        port = int(server.url.rsplit(":", 1)[1].strip("/"))
        with socket.create_connection(("127.0.0.1", port), timeout=10) as idle:
            started = time.monotonic()
            assert idle.recv(1024) == b""  # closed by the server, not by this test's own timeout
            assert time.monotonic() - started < 5
