"""A pytest plugin (registered by entry point) so that an administration's own test suite can
snapshot its report:

    def test_relazione(report_snapshot, tmp_path):
        pdf = build("relazione", out=tmp_path, formats="pdf").outputs[0]
        report_snapshot.assert_match(pdf)

Snapshots live beside the test file, in ``__snapshots__/<test name>/``; run pytest with
``--snapshot-update`` to store or refresh them. A missing snapshot fails the test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..errors import ErrorCollector
from ..output import write_atomic
from .compare import compare_images
from .config import load_config
from .pages import rasterize


def pytest_addoption(parser) -> None:
    group = parser.getgroup("reportgen")
    group.addoption("--snapshot-update", action="store_true", default=False,
                    help="reportgen: store the rendered pages as the new reference snapshots")


class ReportSnapshot:
    def __init__(self, folder: Path, update: bool):
        self.folder = folder
        self.update = update

    def _file(self, key: str) -> Path:
        return self.folder / f"{key.replace('#', '--')}.png"

    def assert_match(self, pdf: str | Path, dpi: int = 40, tolerance: float | None = None) -> None:
        """Compare each page of ``pdf`` with the stored snapshot of the same section page."""
        from PIL import Image

        pages = rasterize(Path(pdf), dpi)
        manifest_path = self.folder / "manifest.json"
        if self.update:
            self.folder.mkdir(parents=True, exist_ok=True)
            for page in pages:
                page.image.save(self._file(page.key))
            write_atomic(manifest_path, json.dumps({"dpi": dpi, "keys": [p.key for p in pages]}).encode())
            return
        if not manifest_path.is_file():
            pytest.fail(f"no snapshot in {self.folder}; run pytest --snapshot-update to create it", pytrace=False)
        manifest = json.loads(manifest_path.read_text())
        errors = ErrorCollector()
        config = load_config(self.folder, errors)
        problems = [str(e) for e in errors.errors]
        stored, current = set(manifest["keys"]), {p.key for p in pages}
        problems += [f"new page {key}" for key in sorted(current - stored)]
        problems += [f"missing page {key}" for key in sorted(stored - current)]
        for page in pages:
            if page.key not in stored:
                continue
            old = Image.open(self._file(page.key)).convert("RGB")
            width, height = page.image.size
            output = "slides" if width > height else "pdf"
            limit, boxes = config.page_rule(output, page.section, page.key, page.image.size, manifest["dpi"])
            limit = limit if tolerance is None else tolerance
            diff = compare_images(old, page.image, boxes)
            if 100.0 - diff.match > limit:
                failed = self.folder / "failures"
                failed.mkdir(exist_ok=True)
                diff.diff.save(failed / f"{page.key.replace('#', '--')}-diff.png")
                problems.append(f"page {page.key} (page {page.number}) matches {diff.match:.3f} %, "
                                f"tolerance {limit} %; see {failed}")
        if problems:
            pytest.fail("report snapshot differs:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.fixture
def report_snapshot(request) -> ReportSnapshot:
    folder = Path(str(request.node.fspath)).parent / "__snapshots__" / request.node.name
    return ReportSnapshot(folder, request.config.getoption("--snapshot-update"))
