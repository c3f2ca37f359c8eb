"""Titillium Web travels with the deck: four Embedded OpenType parts, related to the
presentation and listed in its p:embeddedFontLst in schema order."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from lxml import etree
from pptx import Presentation

from reportgen.project import compile_project
from reportgen.render.deck import render_pptx
from reportgen.render.deck.fonts import EOT_MAGIC, EOT_VERSION, eot
from reportgen.resources import font_path

P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    from tests.conftest import MINI_CSV, MINI_REPORT, MINI_SCHEMA, write_project

    root = write_project(tmp_path_factory.mktemp("fonts") / "mini", MINI_REPORT, {
        "data/kpi.schema.yaml": MINI_SCHEMA, "data/kpi.csv": MINI_CSV,
        "text/risultati.md": "Deflusso: {{ kpi.deflusso.scostamento | pct }}.\n\n- un punto\n- un altro punto\n"})
    compiled = compile_project(root)
    return render_pptx(compiled.report, compiled.formatter, root)


def test_the_four_faces_are_embedded_as_powerpoint_lists_them(package):
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        presentation = etree.fromstring(z.read("ppt/presentation.xml"))
        rels = {r.get("Id"): r for r in etree.fromstring(z.read("ppt/_rels/presentation.xml.rels"))}
        types = z.read("[Content_Types].xml").decode()
        children = [c.tag.removeprefix(P) for c in presentation]
        # after notesSz, before defaultTextStyle (CT_Presentation's sequence)
        assert children.index("embeddedFontLst") == children.index("notesSz") + 1
        assert children.index("embeddedFontLst") < children.index("defaultTextStyle")
        [entry] = presentation.find(f"{P}embeddedFontLst")
        assert entry.find(f"{P}font").get("typeface") == "Titillium Web"
        faces = [c.tag.removeprefix(P) for c in entry][1:]
        assert faces == ["regular", "bold", "italic", "boldItalic"]
        for face, style in zip(entry[1:], ("Regular", "Bold", "Italic", "BoldItalic")):
            rel = rels[face.get(f"{R}id")]
            assert rel.get("Type").endswith("/relationships/font")
            data = z.read("ppt/" + rel.get("Target"))
            assert data == eot(style)
            name = rel.get("Target").rsplit("/", 1)[-1]
            assert f'PartName="/ppt/fonts/{name}" ContentType="application/x-fontdata"' in types \
                or 'Extension="fntdata" ContentType="application/x-fontdata"' in types
    assert Presentation(io.BytesIO(package)).slides  # python-pptx still opens it


@pytest.mark.parametrize("style", ["Regular", "Bold", "Italic", "BoldItalic"])
def test_font_data_is_an_embedded_opentype_file_around_the_bundled_font(style):
    ttf = font_path(style).read_bytes()
    data = eot(style)
    eot_size, font_size, version, flags = struct.unpack_from("<LLLL", data)
    assert eot_size == len(data) and font_size == len(ttf) and version == EOT_VERSION and flags == 0
    italic, weight, fs_type, magic = struct.unpack_from("<BLHH", data, 16 + 10 + 1)
    assert magic == EOT_MAGIC and fs_type == 0  # installable: embedding allowed
    assert weight == (700 if "Bold" in style else 400) and italic == (1 if "Italic" in style else 0)
    assert data.endswith(ttf)
    family_size, = struct.unpack_from("<H", data, 82)
    assert data[84:84 + family_size].decode("utf-16-le") == "Titillium Web"
