"""Issue 20, items 1, 2 and 4: no input is read through a link leaving the project, from a FIFO,
a folder or a device, or past the size limit; the "nothing changed" fingerprint waits on
nothing and reads nothing outside."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest

from tests.conftest import MINI_CSV, MINI_REPORT, MINI_SCHEMA
from tests.hostile.conftest import SECRET

SECRET_CSV = MINI_CSV.replace("Indice di deflusso", SECRET)
SECRET_SCHEMA = MINI_SCHEMA.replace("title: Indicatori", f"title: {SECRET}")
SECRET_REPORT = MINI_REPORT.replace("title: Relazione sulla Performance 2024", f"title: {SECRET}")
SECRET_TEMPLATE = f"<p>{SECRET}</p>\n"


def _outside(h, name: str, text: str) -> Path:
    path = h.tmp / "outside" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _replace(h, relative: str) -> Path:
    path = h.project / relative
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _link(h, relative: str, target: Path, relative_link: bool = False) -> None:
    path = _replace(h, relative)
    path.symlink_to(os.path.relpath(target, path.parent) if relative_link else target)


def _xlsx(path: Path, title: str) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for line in textwrap.dedent(MINI_CSV).strip().splitlines():
        sheet.append([title if v == "Indice di deflusso" else v for v in line.split(";")])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _template_include(h) -> None:
    (h.project / "templates" / "pdf").mkdir(parents=True, exist_ok=True)
    (h.project / "templates" / "pdf" / "section.html.j2").write_text("{% include 'pdf/leak.html' %}\n")


# -- links leaving the project: refused, naming the input (exit 2), the target never opened

def _csv_abs(h):
    _link(h, "data/kpi.csv", _outside(h, "kpi.csv", SECRET_CSV))


def _csv_rel(h):
    _link(h, "data/kpi.csv", _outside(h, "kpi.csv", SECRET_CSV), relative_link=True)


def _csv_two_hops(h):
    _link(h, "data/hop.csv", _outside(h, "kpi.csv", SECRET_CSV))
    _link(h, "data/kpi.csv", h.project / "data" / "hop.csv")


def _csv_loop(h):
    _link(h, "data/kpi.csv", h.project / "data" / "kpi.csv")


def _csv_named_file(h):
    (h.project / "data" / "kpi.schema.yaml").write_text(textwrap.dedent(MINI_SCHEMA) + "file: data/other.csv\n")
    (h.project / "data" / "kpi.csv").unlink()
    _link(h, "data/other.csv", _outside(h, "other.csv", SECRET_CSV))


def _xlsx_abs(h):
    (h.project / "data" / "kpi.csv").unlink()
    _link(h, "data/kpi.xlsx", _xlsx(h.tmp / "outside" / "kpi.xlsx", SECRET))


def _schema_abs(h):
    _link(h, "data/kpi.schema.yaml", _outside(h, "kpi.schema.yaml", SECRET_SCHEMA))


def _schema_rel(h):
    _link(h, "data/kpi.schema.yaml", _outside(h, "kpi.schema.yaml", SECRET_SCHEMA), relative_link=True)


def _data_folder(h):
    _outside(h, "data/kpi.schema.yaml", SECRET_SCHEMA)
    _outside(h, "data/kpi.csv", SECRET_CSV)
    _link(h, "data", h.tmp / "outside" / "data")


def _report_abs(h):
    _link(h, "report.yaml", _outside(h, "report.yaml", SECRET_REPORT))


def _report_rel(h):
    _link(h, "report.yaml", _outside(h, "report.yaml", SECRET_REPORT), relative_link=True)


def _narrative_abs(h):
    _link(h, "text/risultati.md", _outside(h, "risultati.md", SECRET))


def _narrative_rel(h):
    _link(h, "text/risultati.md", _outside(h, "risultati.md", SECRET), relative_link=True)


def _text_folder(h):
    _outside(h, "text/risultati.md", SECRET)
    _link(h, "text", h.tmp / "outside" / "text")


def _template_include_link(h):
    _template_include(h)
    _link(h, "templates/pdf/leak.html", _outside(h, "leak.html", SECRET_TEMPLATE))


def _template_link(h):
    _link(h, "templates/pdf/section.html.j2", _outside(h, "section.html.j2", SECRET_TEMPLATE))


def _template_folder_link(h):
    _outside(h, "tpl/section.html.j2", SECRET_TEMPLATE)
    _link(h, "templates/pdf", h.tmp / "outside" / "tpl")


def _templates_link(h):
    _outside(h, "tpls/pdf/section.html.j2", SECRET_TEMPLATE)
    _link(h, "templates", h.tmp / "outside" / "tpls")


def _logo_link(h):
    (h.project / "report.yaml").write_text(textwrap.dedent(MINI_REPORT) + "style:\n  logo: img/logo.png\n")
    _link(h, "img/logo.png", _outside(h, "logo.png", SECRET))


def _image_link(h):
    (h.project / "text" / "risultati.md").write_text("Testo.\n\n![x](img/a.png)\n")
    _link(h, "img/a.png", _outside(h, "a.png", SECRET))


LINKS = {
    "csv-absolute": (_csv_abs, "data/kpi.csv"),
    "csv-relative": (_csv_rel, "data/kpi.csv"),
    "csv-two-hops": (_csv_two_hops, "data/kpi.csv"),
    "csv-loop": (_csv_loop, "data/kpi.csv"),
    "csv-named-by-schema": (_csv_named_file, "data/other.csv"),
    "xlsx-absolute": (_xlsx_abs, "data/kpi.xlsx"),
    "schema-absolute": (_schema_abs, "data/kpi.schema.yaml"),
    "schema-relative": (_schema_rel, "data/kpi.schema.yaml"),
    "data-folder": (_data_folder, "data/kpi."),
    "report-absolute": (_report_abs, "report.yaml"),
    "report-relative": (_report_rel, "report.yaml"),
    "narrative-absolute": (_narrative_abs, "text/risultati.md"),
    "narrative-relative": (_narrative_rel, "text/risultati.md"),
    "text-folder": (_text_folder, "text/risultati.md"),
    "template-include": (_template_include_link, "templates/pdf/leak.html"),
    "template": (_template_link, "templates/pdf/section.html.j2"),
    "template-folder": (_template_folder_link, "templates/pdf/"),
    "templates-folder": (_templates_link, "templates/pdf/"),
    "logo": (_logo_link, "logo"),
    "narrative-image": (_image_link, "img/a.png"),
}


@pytest.mark.parametrize("cache", ["--cache", "--no-cache"])
@pytest.mark.parametrize("case", LINKS)
def test_link_leaving_the_project_is_refused(hostile, case, cache):
    hostile.make()
    setup, name = LINKS[case]
    setup(hostile)
    run = hostile.build(cache)
    hostile.assert_safe(run, (name,), ok=False)


def test_check_refuses_the_links_too(hostile):
    hostile.make()
    _csv_abs(hostile)
    run = hostile.check()
    hostile.assert_safe(run, ("data/kpi.csv",), ok=False)


# -- links that stay inside the project are followed: a shared file linked from two places

def _inside_csv(h):
    shared = h.project / "shared" / "kpi.csv"
    shared.parent.mkdir()
    (h.project / "data" / "kpi.csv").rename(shared)
    _link(h, "data/kpi.csv", shared, relative_link=True)


def _inside_narrative(h):
    shared = h.project / "shared" / "testo.md"
    shared.parent.mkdir()
    shared.write_text("Testo condiviso.\n")
    _link(h, "text/risultati.md", shared)


@pytest.mark.parametrize("setup", [_inside_csv, _inside_narrative])
def test_link_inside_the_project_is_read(hostile, setup):
    hostile.make()
    setup(hostile)
    hostile.assert_safe(hostile.build(), ok=True)


# -- FIFOs, folders, devices and huge files where a file is expected: refused, never waited on

def _fifo(h, relative: str) -> None:
    os.mkfifo(_replace(h, relative))


def _folder(h, relative: str) -> None:
    _replace(h, relative).mkdir()
    (h.project / relative / "x.txt").write_text("x")


def _sparse(h, relative: str, size: int) -> None:
    with open(_replace(h, relative), "wb") as handle:
        handle.truncate(size)


GIB = 1024 ** 3
INPUTS = ["data/kpi.csv", "data/kpi.schema.yaml", "report.yaml", "text/risultati.md"]
KINDS = {
    "fifo": _fifo,
    "folder": _folder,
    "dev-zero": lambda h, rel: _link(h, rel, Path("/dev/zero")),
    "sparse-3gb": lambda h, rel: _sparse(h, rel, 3 * GIB),
    "sparse-60mb": lambda h, rel: _sparse(h, rel, 60 * 1024 * 1024),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("relative", INPUTS)
def test_input_that_is_not_a_regular_file_is_refused(hostile, relative, kind):
    hostile.make()
    KINDS[kind](hostile, relative)
    run = hostile.build(timeout=40)
    hostile.assert_safe(run, (relative,), ok=False)


def test_template_fifo_is_refused(hostile):
    hostile.make()
    _fifo(hostile, "templates/pdf/section.html.j2")
    hostile.assert_safe(hostile.build(timeout=40), ("templates/pdf/section.html.j2",), ok=False)


def test_xlsx_fifo_is_refused(hostile):
    hostile.make()
    (hostile.project / "data" / "kpi.csv").unlink()
    _fifo(hostile, "data/kpi.xlsx")
    hostile.assert_safe(hostile.build(timeout=40), ("data/kpi.xlsx",), ok=False)


@pytest.mark.parametrize("kind", ["fifo", "sparse-3gb", "folder"])
@pytest.mark.parametrize("what", ["image", "logo"])
def test_image_or_logo_that_is_not_a_regular_file_is_not_read(hostile, what, kind):
    # the layout leaves it out with a warning (exit 0) or the build refuses it (exit 2): never a hang
    hostile.make()
    if what == "image":
        (hostile.project / "text" / "risultati.md").write_text("Testo.\n\n![x](img/a.png)\n")
    else:
        (hostile.project / "report.yaml").write_text(textwrap.dedent(MINI_REPORT) + "style:\n  logo: img/a.png\n")
    KINDS[kind](hostile, "img/a.png")
    run = hostile.build(timeout=40)
    hostile.assert_safe(run, ("img/a.png", "logo"))


# -- strays in the project folder: not inputs, so the fingerprint must pass them by

STRAYS = {
    "fifo": lambda h: _fifo(h, "notes.fifo"),
    "fifo-in-data": lambda h: _fifo(h, "data/notes.fifo"),
    "link-to-dev-zero": lambda h: _link(h, "zero", Path("/dev/zero")),
    "link-to-secret": lambda h: _link(h, "secret.txt", h.secret),
    "two-links-to-dot": lambda h: (_link(h, "a", h.project), _link(h, "b", h.project)),
    "link-to-root": lambda h: _link(h, "everything", Path("/")),
    "sparse-3gb": lambda h: _sparse(h, "big.bin", 3 * GIB),
    "dangling-link": lambda h: _link(h, "gone", h.tmp / "nowhere"),
}


@pytest.mark.parametrize("case", STRAYS)
def test_stray_files_do_not_stop_the_build(hostile, case):
    hostile.make()
    STRAYS[case](hostile)
    first = hostile.build(timeout=40)
    hostile.assert_safe(first, ok=True)
    again = hostile.build(timeout=40)  # nothing changed: answered from the fingerprint
    hostile.assert_safe(again, ok=True)
    assert "Nothing changed" in again.stderr
