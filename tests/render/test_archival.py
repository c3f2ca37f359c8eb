"""Publication-ready PDFs: accessible (PDF/UA-1) always; with the archival profile also
PDF/A-3u with every table attached as CSV, looking exactly like the standard file."""

from __future__ import annotations

import re

import pikepdf
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from reportgen.api import build
from reportgen.cli import main
from reportgen.export import table_csvs
from tests.conftest import SAMPLE_2024, write_project

pytestmark = pytest.mark.slow  # builds the sample in both PDF profiles


@pytest.fixture(scope="module")
def archival(tmp_path_factory):
    out = tmp_path_factory.mktemp("archival")
    return build(SAMPLE_2024, out=out, formats="pdf", pdf_profile="archival")


def _standard(built_sample):
    return next(p for p in built_sample.outputs if p.name == "relazione-2024.pdf")


def _elements(pdf: pikepdf.Pdf):
    """(element, inside a table header) for every structure element."""
    stack = [(pdf.Root.StructTreeRoot.K, False)]
    while stack:
        item, in_head = stack.pop()
        if isinstance(item, pikepdf.Array):
            stack += [(kid, in_head) for kid in item]
        elif isinstance(item, pikepdf.Dictionary) and "/S" in item:
            yield item, in_head
            if "/K" in item:
                stack.append((item.K, in_head or item.S == "/THead"))


def _scope(element) -> str | None:
    attributes = element.get("/A")
    items = list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]
    scopes = [str(a.Scope) for a in items if isinstance(a, pikepdf.Dictionary) and "/Scope" in a]
    return scopes[0] if scopes else None


@pytest.mark.parametrize("profile", ["standard", "archival"])
def test_accessible_structure(built_sample, archival, profile):
    path = _standard(built_sample) if profile == "standard" else archival.outputs[0]
    with pikepdf.open(path) as pdf:
        assert not pdf.is_encrypted
        assert str(pdf.Root.Lang) == "it-IT"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) and bool(pdf.Root.MarkInfo.Marked)
        elements = list(_elements(pdf))
        headers = [(e, head) for e, head in elements if e.S == "/TH"]
        assert len(headers) > 100
        assert all(_scope(e) == ("/Column" if head else "/Row") for e, head in headers)
        figures = [e for e, _ in elements if e.S == "/Figure"]
        assert len(figures) == len(built_sample.report.charts())
        assert all(str(e.get("/Alt", "")).strip() for e in figures)
        levels = [int(str(e.S)[2:]) for e, _ in elements if re.fullmatch(r"/H[1-6]", str(e.S))]
        # reading order: pop() walks the tree backwards, so check it reversed
        levels.reverse()
        assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:]))
        descriptors = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary)
                       and o.get("/Type") == "/FontDescriptor"]
        assert descriptors and all("/FontFile2" in d for d in descriptors)
        xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
        assert 'pdfuaid:part="1"' in xmp
        assert ('pdfaid:part="3"' in xmp and 'pdfaid:conformance="U"' in xmp) == (profile == "archival")


def test_archival_declares_pdfa_with_an_srgb_output_intent(archival):
    with pikepdf.open(archival.outputs[0]) as pdf:
        intents = list(pdf.Root.OutputIntents)
        assert [str(i.S) for i in intents] == ["/GTS_PDFA1"]
        assert int(intents[0].DestOutputProfile.N) == 3
        annotations = [a for page in pdf.pages for a in page.obj.get("/Annots", [])]
        assert annotations and all(int(a.F) & 4 for a in annotations)  # printable, as PDF/A requires
        assert str(pdf.docinfo.Title) == "Relazione sulla Performance 2024"
        assert "<dc:title>" in pdf.Root.Metadata.read_bytes().decode("utf-8")


def test_archival_carries_every_table_as_csv_data(archival):
    expected = {t.path: t.csv for t in table_csvs(archival.report)}
    assert len(expected) > 40
    with pikepdf.open(archival.outputs[0]) as pdf:
        names = pdf.Root.Names.EmbeddedFiles.Names
        specs = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
        assert set(specs) == set(expected)
        assert {spec.objgen for spec in specs.values()} == {spec.objgen for spec in pdf.Root.AF}
        for name, spec in specs.items():
            assert spec.AFRelationship == "/Data" and str(spec.UF) == name and str(spec.Desc)
            stream = spec.EF.F
            assert stream.Subtype == "/text/csv"
            assert stream.read_bytes() == expected[name]
            assert str(stream.Params.ModDate) == "D:20250605000000Z"  # the document date, not the clock


def _pixels(path, pages) -> list[bytes]:
    document = pdfium.PdfDocument(str(path))
    try:
        return [document[i].render(scale=50 / 72).to_pil().tobytes() for i in pages]
    finally:
        document.close()


def test_archival_looks_like_the_standard_file(built_sample, archival):
    standard = _standard(built_sample)
    texts = []
    for path in (standard, archival.outputs[0]):
        document = pdfium.PdfDocument(str(path))
        texts.append([page.get_textpage().get_text_bounded() for page in document])
        document.close()
    assert len(texts[0]) == len(texts[1])
    colophon = next(i for i, text in enumerate(texts[0]) if "Dati aperti" in text)
    assert "cartella «relazione-2024-data»" in " ".join(texts[0][colophon].split())
    assert "allegata in formato CSV a questo file PDF" in " ".join(texts[1][colophon].split())
    others = [i for i in range(len(texts[0])) if i != colophon]
    assert [texts[0][i] for i in others] == [texts[1][i] for i in others]
    assert _pixels(standard, others) == _pixels(archival.outputs[0], others)


def test_profile_from_report_yaml_and_its_errors(tmp_path):
    from tests.conftest import MINI_CSV, MINI_REPORT, MINI_SCHEMA

    files = {"data/kpi.schema.yaml": MINI_SCHEMA, "data/kpi.csv": MINI_CSV,
             "text/risultati.md": "Deflusso: {{ kpi.deflusso.scostamento | pct }}.\n"}
    project = write_project(tmp_path / "mini", MINI_REPORT + "    pdf:\n      profile: archiviazione\n", files)
    result = CliRunner().invoke(main, ["build", str(project), "--out", str(tmp_path / "o"), "-q"])
    assert result.exit_code == 2
    assert "report.yaml: pdf.profile: expected one of standard, archival" in result.output
    project = write_project(tmp_path / "mini2", MINI_REPORT + "    pdf:\n      profile: archival\n", files)
    built = build(project, out=tmp_path / "o2", formats="pdf")
    with pikepdf.open(built.outputs[0]) as pdf:
        assert 'pdfaid:part="3"' in pdf.Root.Metadata.read_bytes().decode("utf-8")
        assert len(pdf.Root.AF) == 1


def test_structure_ids_are_unique_and_every_header_reference_resolves(built_sample):
    pdf = pikepdf.open(next(p for p in built_sample.outputs if p.suffix == ".pdf"))
    ids, headers, seen, stack = [], [], set(), [pdf.Root.StructTreeRoot.K]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
            continue
        if not isinstance(node, pikepdf.Dictionary) or (node.is_indirect and node.objgen in seen):
            continue
        if node.is_indirect:
            seen.add(node.objgen)
        if "/ID" in node:
            ids.append(bytes(node.ID))
        attributes = node.get("/A")
        for attribute in attributes if isinstance(attributes, pikepdf.Array) else [attributes]:
            if isinstance(attribute, pikepdf.Dictionary) and "/Headers" in attribute:
                headers += [bytes(h) for h in attribute.Headers]
        if "/K" in node:
            stack.append(node.K)
    assert len(ids) > 100 and len(set(ids)) == len(ids)  # pieces merged: numbers restart in each
    assert headers and set(headers) <= set(ids)
