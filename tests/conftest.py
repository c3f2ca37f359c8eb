"""Shared fixtures: small projects written by the tests, and the sample projects."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_2024 = ROOT / "sample_data" / "relazione-2024"
SAMPLE_2023 = ROOT / "sample_data" / "abstract-2023"
SAMPLE_NOTA = ROOT / "sample_data" / "nota-preliminare-2024"

# The CLI prints Italian by default (reportgen/messages.py); the tests read the English originals
# the stages raise, and ask for Italian where that is what they test. Set here, before any fixture,
# so that a CLI run in a subprocess inherits it too.
os.environ["REPORTGEN_LANG"] = "en"


def write_project(root: Path, report: str, files: dict[str, str | bytes]) -> Path:
    """Create a project folder: report.yaml plus data/ and text/ files."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "report.yaml").write_text(textwrap.dedent(report), encoding="utf-8")
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


MINI_REPORT = """\
    administration: Comune di Esempio
    year: 2024
    title: Relazione sulla Performance 2024
    sections:
      - id: risultati
        title: Risultati
        blocks:
          - text: text/risultati.md
          - table: kpi
"""

MINI_SCHEMA = """\
    title: Indicatori
    key: id
    columns:
      id: {type: text, required: true}
      indicatore: {type: text, required: true}
      polarita: {type: polarity, default: higher}
      obiettivo: {type: decimal, required: true}
      consuntivo: {type: decimal, required: true}
    derive:
      - {op: scostamento, into: scostamento, obiettivo: obiettivo, consuntivo: consuntivo, polarity: polarita}
"""

MINI_CSV = """\
    id;indicatore;polarita;obiettivo;consuntivo
    deflusso;Indice di deflusso;higher;1,013;1,048
    costi;Costi per punto;lower;171,54;155,54
"""


@pytest.fixture
def mini_project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "mini", MINI_REPORT, {
        "data/kpi.schema.yaml": MINI_SCHEMA,
        "data/kpi.csv": MINI_CSV,
        "text/risultati.md": "Deflusso: {{ kpi.deflusso.scostamento | pct }}.\n",
    })


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A private copy of the 2024 sample, for tests that break it."""
    target = tmp_path / "relazione-2024"
    shutil.copytree(SAMPLE_2024, target)
    return target


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory):
    """The 2024 sample built once (PDF and PPTX) for every test that inspects outputs."""
    from reportgen.api import build

    out = tmp_path_factory.mktemp("built")
    return build(SAMPLE_2024, out=out)


@pytest.fixture
def _renderers_imported() -> None:
    # lazy on purpose: only the tests that run pytest inside pytest pay for these imports
    import fontTools.subset  # noqa: F401
    import weasyprint  # noqa: F401


@pytest.fixture
def pytester(_renderers_imported, pytester):
    """pytester drops, when its test ends, every module imported during it. WeasyPrint loads
    Pango through cffi: imported again, Pango registers its GLib types a second time and the
    next worker laying out a page crashes; fontTools.subset adds methods to font table classes
    that a second import replaces. Imported before pytester takes its snapshot, both stay."""
    return pytester
