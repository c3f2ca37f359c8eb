"""The same inputs give the same bytes: what CI snapshots rely on."""

from __future__ import annotations

import pytest

from reportgen.api import build
from tests.conftest import SAMPLE_2024


@pytest.mark.slow
def test_building_the_sample_twice_gives_identical_files(built_sample, tmp_path):
    again = build(SAMPLE_2024, out=tmp_path)
    first = {p.name: p.read_bytes() for p in built_sample.outputs}
    second = {p.name: p.read_bytes() for p in again.outputs}
    assert set(first) == {"relazione-2024.pdf", "relazione-2024-slides.pdf", "relazione-2024.pptx"}
    for name in first:
        assert first[name] == second[name], name


def test_source_date_epoch_sets_the_date_when_report_yaml_has_none(mini_project, tmp_path, monkeypatch):
    import pypdfium2 as pdfium

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1719792000")  # 2024-07-01
    pdf = build(mini_project, out=tmp_path, formats="pdf").outputs[0]
    document = pdfium.PdfDocument(str(pdf))
    assert document.get_metadata_dict()["CreationDate"] == "D:20240701000000Z"
    document.close()
