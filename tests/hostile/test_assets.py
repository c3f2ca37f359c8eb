"""Issue 20, item 14: the logo, the corporate PowerPoint template and the spreadsheet cells a
project may get wrong: a missing or huge picture, a folder, a web address, a file that is not
what its name says, an Excel error where a number belongs, a NUL in a row key. Each is one line
naming the input and exit 2, or a build that leaves the bad part out; never a traceback, a hang
or a decode of 1,6 gigapixels."""

from __future__ import annotations

import os
import struct
import textwrap
import zlib

import pytest

from tests.conftest import MINI_CSV, MINI_REPORT

REPORT = textwrap.dedent(MINI_REPORT)


def _png(width: int, height: int) -> bytes:
    """A PNG header claiming ``width`` × ``height`` pixels, with one tiny compressed row: what
    a decoder that trusts the header would try to allocate (40000² × 4 bytes = 6,4 GB)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + chunk(b"IEND", b""))


def _small_png() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (40, 20), (11, 79, 138)).save(buffer, "PNG")
    return buffer.getvalue()


def _logo(value: str, content: bytes | None = None, folder: bool = False, fifo: bool = False):
    def setup(h):
        (h.project / "report.yaml").write_text(REPORT + f"style:\n  logo: {value}\n", encoding="utf-8")
        target = h.project / value
        if fifo:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.mkfifo(target)
        elif folder:
            target.mkdir(parents=True)
        elif content is not None:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    return setup


def _template(content: bytes):
    def setup(h):
        (h.project / "report.yaml").write_text(REPORT + "style:\n  pptx_template: corporate.pptx\n", encoding="utf-8")
        (h.project / "corporate.pptx").write_bytes(content)
    return setup


def _zip_without_deck() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("ppt/presentation.xml", "<not-a-presentation")
    return buffer.getvalue()


LOGOS = {
    "missing": (_logo("img/logo.png"), ("logo",)),
    "folder": (_logo("img/logo.png", folder=True), ("logo",)),
    "fifo": (_logo("img/logo.png", fifo=True), ("logo",)),
    "not-an-image": (_logo("img/logo.png", b"GIF89a but not really\n" * 40), ("logo",)),
    "empty": (_logo("img/logo.png", b""), ("logo",)),
    "text-named-jpg": (_logo("img/logo.jpg", b"just text\n"), ("logo",)),
    "http": (_logo("http://127.0.0.1:9/logo.png"), ("logo",)),
    "https": (_logo("https://example.invalid/logo.png"), ("logo",)),
    "file-url": (_logo("file:///etc/passwd"), ("logo",)),
    "40000-square-png": (_logo("img/logo.png", _png(40000, 40000)), ("logo",)),
    "wide-png": (_logo("img/logo.png", _png(2 ** 31 - 1, 1)), ("logo",)),
    "truncated-png": (_logo("img/logo.png", _small_png()[:60]), ("logo",)),
    "nul-in-name": (_logo('"img/lo\\0go.png"'), ("logo",)),
    "good": (_logo("img/logo.png", _small_png()), ()),
}


@pytest.mark.parametrize("formats", ["pdf", "pptx"])
@pytest.mark.parametrize("case", LOGOS)
def test_logo(hostile, case, formats):
    hostile.make()
    setup, names = LOGOS[case]
    setup(hostile)
    earlier = f"p.{formats}"  # the output this build replaces when it succeeds
    hostile.seed_earlier(earlier)
    run = hostile.build(formats=formats, timeout=40)
    hostile.assert_safe(run, names, ok=True if case == "good" else None)
    hostile.assert_earlier_intact(run, earlier)


TEMPLATES = {
    "text": _template(b"not a presentation\n" * 100),
    "empty": _template(b""),
    "png": _template(_small_png()),
    "zip-without-a-deck": _template(_zip_without_deck()),
    "truncated-zip": _template(_zip_without_deck()[:50]),
}


@pytest.mark.parametrize("case", TEMPLATES)
def test_garbage_pptx_template_is_refused(hostile, case):
    hostile.make()
    TEMPLATES[case](hostile)
    hostile.seed_earlier("p.pptx")
    run = hostile.build(formats="pptx", timeout=40)
    hostile.assert_safe(run, ("pptx_template", "corporate.pptx"), ok=False)
    hostile.assert_earlier_intact(run, "p.pptx")


def _xlsx(h, rows: list[list]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    (h.project / "data" / "kpi.csv").unlink()
    book.save(h.project / "data" / "kpi.xlsx")


HEADER = ["id", "indicatore", "polarita", "obiettivo", "consuntivo"]


@pytest.mark.parametrize("error", ["#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NUM!"])
def test_excel_error_in_a_numeric_cell_names_the_cell(hostile, error):
    hostile.make()
    _xlsx(hostile, [HEADER, ["deflusso", "Indice", "higher", 1.013, error], ["costi", "Costi", "lower", 171.54, 155.54]])
    hostile.seed_earlier()
    run = hostile.build(timeout=40)
    hostile.assert_safe(run, ("kpi.xlsx",), ok=False)
    hostile.assert_earlier_intact(run)


def _nul_key(h):
    (h.project / "data" / "kpi.csv").write_text(textwrap.dedent(MINI_CSV).replace("costi;", "co\0sti;"))


def _control_key(h):
    (h.project / "data" / "kpi.csv").write_text(textwrap.dedent(MINI_CSV).replace("costi;", "co\x1fsti;"))


def _nul_label(h):
    (h.project / "data" / "kpi.csv").write_text(textwrap.dedent(MINI_CSV).replace("Costi per punto", "Costi\0 per"))


def _control_label(h):
    (h.project / "data" / "kpi.csv").write_text(textwrap.dedent(MINI_CSV).replace("Costi per punto", "Costi\x0b\x1b per"))


@pytest.mark.parametrize("setup", [_nul_key, _control_key, _nul_label, _control_label])
def test_nul_or_control_character_in_a_cell_with_the_deck(hostile, setup):
    # the deck is XML: a NUL or a control character there is a file PowerPoint refuses to open
    hostile.make()
    setup(hostile)
    run = hostile.build(formats="pdf,pptx", timeout=60)
    hostile.assert_safe(run, ("kpi.",))
    if run.code == 0:
        import zipfile

        from lxml import etree

        with zipfile.ZipFile(hostile.out / "p.pptx") as deck:
            for name in deck.namelist():
                if name.endswith(".xml") or name.endswith(".rels"):
                    etree.fromstring(deck.read(name))


@pytest.mark.parametrize("swap", ["fifo", "link-outside", "folder"])
def test_deck_does_not_open_a_logo_swapped_after_load(tmp_path, swap):
    # the load checked a good logo; by the time the deck draws the title slide it is a FIFO (an
    # open would wait for ever), a link to a file outside or a folder: the deck leaves it out
    import io
    import signal

    from PIL import Image
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    from reportgen.content import build_report, formatter_for
    from reportgen.engine import compute
    from reportgen.load import load_project
    from reportgen.render.deck import render_pptx
    from tests.conftest import MINI_SCHEMA, write_project

    root = write_project(tmp_path / "p", REPORT + "style:\n  logo: logo.png\n", {
        "data/kpi.schema.yaml": MINI_SCHEMA, "data/kpi.csv": MINI_CSV, "text/risultati.md": "Testo.\n"})
    Image.new("RGB", (300, 100), "#0b4f8a").save(root / "logo.png")
    loaded = load_project(root)
    report = build_report(loaded, compute(loaded))
    logo = root / "logo.png"
    logo.unlink()
    if swap == "fifo":
        os.mkfifo(logo)
    elif swap == "folder":
        logo.mkdir()
    else:
        outside = tmp_path / "outside.png"
        Image.new("RGB", (300, 100), "#b03a2e").save(outside)
        logo.symlink_to(outside)
    signal.signal(signal.SIGALRM, lambda *_: pytest.fail("the deck waited on the logo"))
    signal.alarm(30)
    try:
        data = render_pptx(report, formatter_for(loaded.config), root)
    finally:
        signal.alarm(0)
    first = Presentation(io.BytesIO(data)).slides[0]
    assert not [s for s in first.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]


def _image(content: bytes, name: str = "img/a.png"):
    def setup(h):
        (h.project / "text" / "risultati.md").write_text(f"Testo.\n\n![Una figura]({name})\n")
        path = h.project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return setup


IMAGES = {
    "40000-square-png": _image(_png(40000, 40000)),
    "15000-square-png": _image(_png(15000, 15000)),  # under Pillow's own bomb limit ×2: it would decode 900 MB
    "9000-square-png": _image(_png(9000, 9000)),  # under Pillow's limit: decoded without a word
    "not-an-image": _image(b"not a picture\n" * 10),
    "truncated": _image(_small_png()[:60]),
}


@pytest.mark.parametrize("case", IMAGES)
def test_narrative_image_bounded_before_decoding(hostile, case):
    # left out with a warning (exit 0) or refused (exit 2), within a memory cap far below a decode
    hostile.make()
    IMAGES[case](hostile)
    run = hostile.build(timeout=60)
    hostile.assert_safe(run, ("img/a.png",))
    if run.code == 0 and case.endswith("png"):
        assert "img/a.png" in run.stderr  # said, not silently dropped
