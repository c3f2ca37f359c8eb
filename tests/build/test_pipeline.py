"""The build pipeline on its own: piece keys, the order of the work, the workers."""

from __future__ import annotations

import ast
import dataclasses
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reportgen.cache import BuildCache
from reportgen.charts import RenderedChart, chart_style
from reportgen.content import build_report, formatter_for
from reportgen.content.model import Section
from reportgen.engine import compute
from reportgen.load import load_project
from reportgen.pipeline import render_outputs, run, tasks
from reportgen.pipeline.assemble import Layout
from reportgen.pipeline.keys import PieceKeys, charts_of, page_of, piece_from_cache, piece_meta
from reportgen.pipeline.schedule import PRIORITY_CHART, PRIORITY_FIRST, Schedule
from reportgen.pipeline.workers import Workers
from reportgen.render.common import accessible_theme
from reportgen.render.pdf import PdfPiece
from tests.build.processes import alive, gone
from tests.conftest import ROOT, SAMPLE_2024, write_project

TWO_SECTIONS = """\
    administration: Comune di Esempio
    year: 2024
    title: Relazione sulla Performance 2024
    sections:
      - id: uno
        title: Uno
        blocks:
          - text: text/uno.md
      - id: due
        title: Due
        blocks:
          - text: text/due.md
"""


def _compiled(root: Path):
    loaded = load_project(root)
    return build_report(loaded, compute(loaded)), formatter_for(loaded.config)


@pytest.fixture
def two_sections(tmp_path: Path) -> Path:
    project = write_project(tmp_path / "due", TWO_SECTIONS, {
        "text/uno.md": "Primo testo.\n\n![Logo](img/logo.png)\n",
        "text/due.md": "Secondo testo.\n",
        "img/logo.png": b"\x89PNG first",
    })
    (project / "style.css").write_text("p { color: red }", encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def sample():
    """The 2024 sample compiled (load, engine, content): no page is laid out."""
    return _compiled(SAMPLE_2024)


def _keys(root: Path) -> tuple[PieceKeys, object]:
    report, formatter = _compiled(root)
    return PieceKeys(report, formatter, root), report


def _source_keys(root: Path) -> dict[str, str]:
    keys, report = _keys(root)
    return {s.id: keys.page_source("pdf", "pdf/ua-1", "css", s, {}) for s in report.sections}


# --- piece keys


def test_a_page_key_changes_with_what_the_page_shows_and_only_with_it(two_sections):
    keys, _ = _keys(two_sections)
    css_url = (two_sections / "style.css").as_uri()
    html = f'<link href="{css_url}"><p>Testo</p>'
    key = keys.page("pdf", "pdf/ua-1", html, "p {}")
    assert len(key) == 64 and key == keys.page("pdf", "pdf/ua-1", html, "p {}")
    assert key == _keys(two_sections)[0].page("pdf", "pdf/ua-1", html, "p {}")  # in another build
    changed = {
        keys.page("pdf", "pdf/ua-1", html.replace("Testo", "Testi"), "p {}"),
        keys.page("pdf", "pdf/ua-1", html, "p { margin: 0 }"),
        keys.page("slides", "pdf/ua-1", html, "p {}"),
        keys.page("pdf", "pdf/a-3u", html, "p {}"),
    }
    assert key not in changed and len(changed) == 4

    # a file the page reads: same bytes rewritten, same key; new bytes under the same name, another
    (two_sections / "style.css").write_text("p { color: red }", encoding="utf-8")
    assert _keys(two_sections)[0].page("pdf", "pdf/ua-1", html, "p {}") == key
    (two_sections / "style.css").write_text("p { color: blue }", encoding="utf-8")
    assert _keys(two_sections)[0].page("pdf", "pdf/ua-1", html, "p {}") != key


def test_a_page_key_follows_a_narrative_image_given_by_a_relative_path(two_sections):
    html = '<img src="img/logo.png" alt="Logo">'
    before = _keys(two_sections)[0].page("pdf", "pdf/ua-1", html, "")
    (two_sections / "img" / "logo.png").write_bytes(b"\x89PNG second")
    after = _keys(two_sections)[0].page("pdf", "pdf/ua-1", html, "")
    assert before != after
    (two_sections / "img" / "logo.png").unlink()  # a missing file is a state of its own
    assert _keys(two_sections)[0].page("pdf", "pdf/ua-1", html, "") not in {before, after}


def test_a_source_key_changes_for_the_edited_section_only(two_sections):
    before = _source_keys(two_sections)
    assert set(before) == {"uno", "due"} and len(set(before.values())) == 2
    assert _source_keys(two_sections) == before  # nothing edited: the same keys in a new build

    (two_sections / "text" / "due.md").write_text("Secondo testo, corretto.\n", encoding="utf-8")
    edited = _source_keys(two_sections)
    assert edited["uno"] == before["uno"] and edited["due"] != before["due"]

    (two_sections / "img" / "logo.png").write_bytes(b"\x89PNG second")  # shown by "uno" only
    replaced = _source_keys(two_sections)
    assert replaced["uno"] != edited["uno"] and replaced["due"] == edited["due"]


def test_a_source_key_covers_the_stylesheet_the_variant_and_the_charts(two_sections):
    keys, report = _keys(two_sections)
    section = report.sections[0]
    key = keys.page_source("pdf", "pdf/ua-1", "css", section, {})
    assert keys.page_source("pdf", "pdf/ua-1", "css2", section, {}) != key
    assert keys.page_source("pdf", "pdf/a-3u", "css", section, {}) != key
    assert keys.page_source("slides", "pdf/ua-1", "css", section, {}) != key


def test_a_project_with_its_own_templates_has_no_source_keys(two_sections):
    (two_sections / "templates").mkdir()
    keys, report = _keys(two_sections)
    assert keys.page_source("pdf", "pdf/ua-1", "css", report.sections[0], {}) is None


def test_a_source_key_follows_the_svg_of_the_section_charts(sample):
    report, formatter = sample
    keys = PieceKeys(report, formatter, SAMPLE_2024)
    with_chart = next(s for s in report.sections if charts_of(s))
    without = next(s for s in report.sections if not charts_of(s))
    drawn = {spec.id: RenderedChart(spec, b"<svg>1</svg>", None) for spec in report.charts()}
    redrawn = {name: dataclasses.replace(chart, svg=b"<svg>2</svg>") for name, chart in drawn.items()}
    assert (keys.page_source("pdf", "pdf/ua-1", "", with_chart, drawn)
            != keys.page_source("pdf", "pdf/ua-1", "", with_chart, redrawn))
    assert (keys.page_source("pdf", "pdf/ua-1", "", without, drawn)
            == keys.page_source("pdf", "pdf/ua-1", "", without, redrawn))


def test_chart_and_deck_keys(two_sections, sample):
    report, formatter = sample
    keys = PieceKeys(report, formatter, SAMPLE_2024)
    style = chart_style(report.meta.theme, formatter)
    first, second = report.charts()[:2]
    assert keys.chart(first, style) == keys.chart(first, style) != keys.chart(second, style)
    other = dataclasses.replace(style, palette=tuple(reversed(style.palette)))
    assert keys.chart(first, other) != keys.chart(first, style)

    deck_keys, _ = _keys(two_sections)
    deck = deck_keys.deck()
    assert _keys(two_sections)[0].deck() == deck
    (two_sections / "text" / "uno.md").write_text("Primo testo, corretto.\n", encoding="utf-8")
    assert _keys(two_sections)[0].deck() != deck


def test_pieces_read_back_from_the_cache_and_a_damaged_entry_is_no_piece(tmp_path):
    piece = PdfPiece(b"%PDF-1.7 data", 3, {"uno": 0, "due": 2}, (0,), ("a warning",), 0.4156)
    assert piece_from_cache((piece.data, piece_meta(piece))) == piece
    cache = BuildCache(tmp_path)  # its metadata takes no float: the fill is kept as an integer
    cache.put("page", "a" * 64, piece.data, piece_meta(piece))
    assert piece_from_cache(cache.get("page", "a" * 64)) == piece
    assert piece_from_cache(None) is None
    assert piece_from_cache((piece.data, {**piece_meta(piece), "pages": "tre"})) is None
    assert piece_from_cache((piece.data, {"pages": 3})) is None
    assert page_of((b"", {"page": "a" * 64})) == "a" * 64
    assert page_of((b"", {"page": "../../etc/passwd"})) is None and page_of(None) is None


# --- runs of sections sharing pages (style.page_breaks)


def _section(number: str, id_: str) -> Section:
    return Section(id_, id_.title(), 1, number, ())


def _measure(pages: int, fill: float) -> PdfPiece:
    return PdfPiece(b"%PDF", pages, {}, (), (), fill)


def _layout(breaks: str, sections) -> Layout:
    return Layout("pdf", "pdf", "pdf/ua-1", None, "", tuple(sections), breaks)


def test_a_section_starts_a_page_when_it_is_a_parte_or_holds_more_than_half_a_page():
    layout = _layout("auto", [_section("1", "uno"), _section("2", "due"), _section("3", "tre"),
                              _section("4", "quattro"), _section("5", "cinque")])
    assert layout.runs() == []  # the second section is not measured yet: the first run is open
    layout.alone.update({1: _measure(1, 0.5), 2: _measure(1, 0.51)})
    assert layout.runs() == [(0, 1)]  # half a page follows; more than half starts the next run
    layout.alone.update({3: _measure(2, 0.05), 4: _measure(1, 0.1)})
    assert layout.runs() == [(0, 1), (2,), (3, 4)]  # two pages, however empty the last, start one too
    assert _layout("chapters", layout.sections).runs() == [(0,), (1,), (2,), (3,), (4,)]
    assert _layout("none", layout.sections).runs() == [(0, 1, 2, 3, 4)]
    parts = _layout("auto", [_section("Parte I", "uno"), _section("Parte II", "due"), _section("", "nota")])
    assert parts.runs() == [(0,)]  # a Parte needs no measure; an unnumbered section, no part, waits for its
    parts.alone[2] = _measure(1, 0.1)
    assert parts.runs() == [(0,), (1, 2)]


def test_a_run_whose_last_section_spills_a_few_lines_is_cut_before_it():
    layout = _layout("auto", [_section("1", "uno"), _section("2", "due"), _section("3", "tre")])
    layout.alone.update({1: _measure(1, 0.3), 2: _measure(1, 0.45)})
    assert layout.runs() == [(0, 1, 2)]
    assert layout.keeps((0, 1, 2), _measure(2, 0.25))  # a fifth of the page or more: kept
    assert not layout.keeps((0, 1, 2), _measure(2, 0.15))
    assert layout.runs() == [(0, 1), (2,)]  # the third starts the page it fills to 45 % alone
    layout.alone[1] = _measure(1, 0.1)  # a section that fills less alone would leave the same hole
    assert layout.keeps((0, 1), _measure(2, 0.1)) and layout.runs() == [(0, 1), (2,)]


def test_the_contents_count_the_pages_of_runs(sample):
    report, _ = sample
    layout = _layout("auto", report.sections[:3])
    first, second, third = report.sections[:3]
    layout.pieces[(0, 1)] = PdfPiece(b"%PDF", 2, {first.id: 0, second.id: 1}, (), ())
    layout.pieces[(2,)] = PdfPiece(b"%PDF", 3, {third.id: 0}, (), ())
    layout.front_pages = 3
    pages = layout.toc_pages()
    assert (pages[first.id], pages[second.id], pages[third.id]) == (4, 5, 6) and layout.complete
    assert all(pages[inner.id] == 5 for inner in second.walk())  # no anchor of its own: its chapter's
    assert layout.in_order() == [layout.pieces[(0, 1)], layout.pieces[(2,)]]


# --- the order of the work


def test_the_schedule_runs_the_highest_priority_first_and_keeps_the_order_of_ties():
    schedule, done = Schedule(Workers(1)), []
    for priority, name in [(1, "small"), (PRIORITY_CHART, "chart"), (500, "big"), (PRIORITY_FIRST, "deck"),
                           (500, "big-too")]:
        schedule.submit(priority, done.append, str, name)
    schedule.run()
    assert done == ["deck", "chart", "big", "big-too", "small"]


def test_work_queued_by_a_result_runs_in_the_same_schedule():
    schedule, done = Schedule(Workers(1)), []

    def then(result: str) -> None:
        done.append(result)
        if result == "first":
            schedule.submit(0, done.append, str, "queued later")

    schedule.submit(1, then, str, "first")
    schedule.submit(1, then, str, "second")
    schedule.run()
    assert done == ["first", "second", "queued later"]


def test_an_error_of_a_task_reaches_the_caller():
    schedule = Schedule(Workers(1))
    schedule.submit(1, print, int, "not a number")
    with pytest.raises(ValueError):
        schedule.run()


def test_a_free_worker_takes_a_task_as_soon_as_it_is_queued_and_work_here_runs_beside_them():
    workers = Workers(2).start()
    try:
        schedule, there, here = Schedule(workers), [], []
        schedule.submit(1, there.append, os.getpid)
        assert len(schedule.pending) == 1 and not schedule.queue  # already with a worker, before run()
        schedule.submit_here(here.append, os.getpid)
        schedule.run()
        assert there[0] in workers.pids() and here == [os.getpid()]
    finally:
        workers.close()


class _Recording(Workers):
    """One worker that notes every task handed to it: its function, and the length of a page's HTML."""

    def __init__(self):
        super().__init__(1)
        self.tasks: list[tuple[str, int]] = []

    def submit(self, function, *args):
        name = next((n for n in ("lay_out", "merge", "deck_part", "assemble_deck") if getattr(tasks, n) is function), "other")
        self.tasks.append((name, len(args[0]) if name == "lay_out" else 0))
        return super().submit(function, *args)


def _fake_piece(html: str, css: str, root: Path, variant: str | None, numbers: int = 0) -> PdfPiece:
    # the contents' numbers all found as placeholders, as render.merge.prepare_piece finds them
    return PdfPiece(b"%PDF", 2, {}, (), (), contents=tuple(range(numbers)))


@dataclasses.dataclass
class _Merged:
    data: bytes
    pages: int
    section_pages: dict


MERGED_CONTENTS: list = []  # what each fake merge was asked to write in the contents


def _fake_merge(pieces, folio, colour, first, total, archival, attachments, date, contents=None) -> _Merged:
    MERGED_CONTENTS.append(contents)
    return _Merged(b"merged %d" % len(pieces), sum(p.pages for p in pieces), {})


def test_the_charts_then_the_deck_then_the_longest_pages_then_the_contents_and_the_merge(monkeypatch, sample):
    monkeypatch.setattr(tasks, "lay_out", _fake_piece)
    monkeypatch.setattr(tasks, "merge", _fake_merge)
    monkeypatch.setattr(tasks, "deck_part", lambda report, formatter, root, which: b"part %d" % which)
    monkeypatch.setattr(tasks, "assemble_deck", lambda report, formatter, root, parts: b"|".join(parts))
    monkeypatch.setattr(run, "draw_chart", lambda spec, style: (b"<svg/>", None))
    report, formatter = sample
    workers = _Recording()
    out = render_outputs(report, formatter, SAMPLE_2024, ("pdf", "pptx"), workers=workers)

    charts, sections = [spec.id for spec in report.charts()], [s.id for s in report.sections]
    assert len(charts) >= 2 and len(sections) >= 3
    # one worker: what is rendered is noted in the order it ran
    assert out.rendered[:len(charts)] == [f"chart:{c}" for c in charts]
    assert out.rendered[len(charts)] == "pdf:front"  # the contents, once, their numbers placeholders
    # then the deck's parts, the title slide first, and the deck as soon as they are all there
    deck = ["pptx:title", *(f"pptx:{s}" for s in sections), "pptx"]
    assert out.rendered[1 + len(charts):2 + len(charts) + len(sections) + 1] == deck
    laid_out = out.rendered[2 + len(charts) + len(deck) - 1:]
    assert sorted(laid_out) == sorted(f"pdf:{s}" for s in sections)  # the contents are not laid out again
    lengths = [length for name, length in workers.tasks if name == "lay_out"][1:]
    assert len(lengths) == len(sections) and lengths == sorted(lengths, reverse=True)  # the longest first
    assert [name for name, _ in workers.tasks][-1] == "merge"
    deck_parts = b"|".join(b"part %d" % i for i in range(-1, len(sections)))
    assert out.files == {"pptx": deck_parts, "pdf": b"merged %d" % (len(sections) + 1)}
    assert out.layouts["pdf"] == {"pages": 2 * (len(sections) + 1), "sections": {}, "front": 2}


# --- workers


def test_workers_start_early_and_are_gone_once_closed():
    assert Workers(1).start().pids() == []
    workers = Workers(2).start()
    try:
        pids = workers.pids()
        assert len(pids) == 2 and all(alive(pid) for pid in pids)
        assert workers.submit(os.getpid).result(timeout=30) in pids
    finally:
        workers.close()
    assert workers.pool is None and not any(alive(pid) for pid in pids)


def test_an_interrupted_close_does_not_wait_for_running_work():
    workers = Workers(2).start()
    pids = workers.pids()
    workers.submit(time.sleep, 60)
    started = time.monotonic()
    workers.close(interrupted=True)
    assert time.monotonic() - started < 10
    assert gone(pids, within=10)


def test_the_build_imports_no_later_stage_and_leaves_the_heavy_renderers_to_the_workers():
    code = ("import sys, reportgen.pipeline; print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('pptx', 'pikepdf', 'weasyprint', 'fontTools', 'openpyxl') or m in "
            "('reportgen.export', 'reportgen.api', 'reportgen.cli', 'reportgen.preview', 'reportgen.readiness')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


LATER = ("export", "api", "cli", "preview", "readiness", "diff", "snapshot")


def test_no_module_of_the_build_imports_a_command_or_a_tool_not_even_inside_a_function():
    found = []
    for path in sorted((ROOT / "reportgen" / "pipeline").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:  # relative: ..export, ..render.pdf
                target = (node.module or "").split(".")[0] if node.level == 2 else "pipeline"
                names = [target] if target else [alias.name for alias in node.names]
                found += [(path.name, name) for name in names if name in LATER]
            elif isinstance(node, ast.Import | ast.ImportFrom):
                module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                if module and module.startswith("reportgen.") and module.split(".")[1] in LATER:
                    found.append((path.name, module))
    assert found == []


def _short_piece(html: str, css: str, root: Path, variant: str | None, numbers: int = 0) -> PdfPiece:
    # a third of a page, a page more where the text says "lungo": no section starts a page but the first
    return PdfPiece(b"%PDF", 1 + html.count("lungo"), {}, (), (), 0.3, tuple(range(numbers)))


def test_an_edit_of_the_first_chapter_lays_out_its_run_and_not_the_chapter_alone(monkeypatch, tmp_path):
    # the first chapter starts a page by rule: its own layout would measure nothing
    monkeypatch.setattr(tasks, "lay_out", _short_piece)
    monkeypatch.setattr(tasks, "merge", _fake_merge)
    project = write_project(tmp_path / "tre", TWO_SECTIONS.replace("""      - id: due""", """      - id: tre
        title: Tre
        blocks:
          - text: text/due.md
      - id: due"""), {"text/uno.md": "Primo testo.\n", "text/due.md": "Secondo testo.\n"})
    cache = BuildCache(tmp_path / "cache")
    report, formatter = _compiled(project)
    cold = render_outputs(report, formatter, project, ("pdf",), workers=Workers(1), cache=cache)
    assert sorted(cold.rendered) == sorted(["pdf:front", "pdf:uno", "pdf:tre", "pdf:due", "pdf:uno+tre+due"])
    (project / "text" / "uno.md").write_text("Primo testo, cambiato.\n", encoding="utf-8")
    report, formatter = _compiled(project)
    edited = render_outputs(report, formatter, project, ("pdf",), workers=Workers(1), cache=cache,
                            page_map={"pdf": cold.layouts["pdf"]})
    assert edited.rendered == ["pdf:uno+tre+due"]  # the contents' numbers did not change: no new front
    assert edited.files == cold.files


def _three_sections(tmp_path: Path) -> Path:
    """Three chapters, each starting a page."""
    config = (TWO_SECTIONS + "    style: {page_breaks: chapters}\n").replace("""      - id: due""", """      - id: tre
        title: Tre
        blocks:
          - text: text/tre.md
      - id: due""")
    return write_project(tmp_path / "tre", config, {"text/uno.md": "Primo testo.\n", "text/due.md": "Secondo testo.\n",
                                                     "text/tre.md": "Terzo testo.\n"})


def test_an_edit_that_moves_the_sections_pages_writes_the_new_numbers_and_lays_out_no_contents(monkeypatch,
                                                                                               tmp_path):
    monkeypatch.setattr(tasks, "lay_out", _short_piece)
    monkeypatch.setattr(tasks, "merge", _fake_merge)
    project = _three_sections(tmp_path)
    cache = BuildCache(tmp_path / "cache")
    report, formatter = _compiled(project)
    MERGED_CONTENTS.clear()
    cold = render_outputs(report, formatter, project, ("pdf",), workers=Workers(1), cache=cache)
    walk = [section.id for section in report.walk()]
    assert "pdf:front" in cold.rendered and "pdf:front-numbers" not in cold.rendered
    first = MERGED_CONTENTS[-1]
    # one page of contents (the fake's), then a page per section
    assert {walk[i]: page for i, page in first.pages.items()} == {"uno": "2", "tre": "3", "due": "4"}
    assert first.colour == accessible_theme(report.meta.theme).text
    (project / "text" / "uno.md").write_text("Primo testo, più lungo.\n", encoding="utf-8")
    report, formatter = _compiled(project)
    edited = render_outputs(report, formatter, project, ("pdf",), workers=Workers(1), cache=cache,
                            page_map={"pdf": cold.layouts["pdf"]})
    assert edited.rendered == ["pdf:uno"]  # the sections after it move a page: only the numbers change
    assert {walk[i]: page for i, page in MERGED_CONTENTS[-1].pages.items()} == {"uno": "2", "tre": "4", "due": "5"}


def test_contents_whose_numbers_cannot_be_written_in_are_laid_out_again_with_them(monkeypatch, tmp_path):
    # a project's own templates may draw the numbers otherwise: no placeholder is found
    monkeypatch.setattr(tasks, "lay_out", lambda html, css, root, variant, numbers=0: _short_piece(html, css, root,
                                                                                                variant))
    monkeypatch.setattr(tasks, "merge", _fake_merge)
    project = _three_sections(tmp_path)
    report, formatter = _compiled(project)
    MERGED_CONTENTS.clear()
    out = render_outputs(report, formatter, project, ("pdf",), workers=Workers(1))
    assert out.rendered[0] == "pdf:front" and out.rendered[-1] == "pdf:front-numbers"
    assert MERGED_CONTENTS == [None]
    assert out.layouts["pdf"]["front"] == 1
