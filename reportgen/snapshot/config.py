"""``snapshot.yaml``, beside the snapshots: how strict the comparison is, and where.

```yaml
tolerance: 0           # percent of a page's pixels that may differ (default 0: rendering is
                       # deterministic; raise it when snapshots come from another machine)
page_numbers: mask     # leave the page-number box out (default), or "compare"
sections:              # by section id (or "front" for cover and contents)
  allegato-2-territoriali: {tolerance: 0.5}
pages:                 # by output and page key
  "pdf:ieep#2":
    tolerance: 1
    masks: [[40, 700, 300, 60]]   # x, y, width, height in points from the page's top-left
```
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ErrorCollector
from ..load.yamlspec import Spec, read_yaml

CONFIG_NAME = "snapshot.yaml"
DEFAULT_TOLERANCE = 0.0
# The page-number box of each layout, as fractions of the page (left, top, right, bottom):
# page numbers move when pages are inserted, which is not a regression of the page.
PAGE_NUMBER_BOXES = {"pdf": (0.6, 0.935, 1.0, 1.0), "slides": (0.8, 0.93, 1.0, 1.0)}


@dataclass(slots=True)
class Rule:
    tolerance: float | None = None
    masks: list[tuple[float, float, float, float]] = field(default_factory=list)  # points: x, y, w, h


@dataclass(slots=True)
class SnapshotConfig:
    tolerance: float = DEFAULT_TOLERANCE
    mask_page_numbers: bool = True
    sections: dict[str, Rule] = field(default_factory=dict)
    pages: dict[str, Rule] = field(default_factory=dict)

    def page_rule(self, output: str, section: str, key: str, size: tuple[int, int],
                  dpi: int) -> tuple[float, list[tuple[int, int, int, int]]]:
        """Tolerance (percent) and masks (pixel boxes) of one page: a page rule wins over its
        section's, which wins over the default; the page-number box is masked unless disabled."""
        page, sect = self.pages.get(f"{output}:{key}"), self.sections.get(section)
        tolerance = next((r.tolerance for r in (page, sect) if r and r.tolerance is not None), self.tolerance)
        scale = dpi / 72
        boxes = [(int(x * scale), int(y * scale), int((x + w) * scale), int((y + h) * scale))
                 for x, y, w, h in [*(sect.masks if sect else []), *(page.masks if page else [])]]
        if self.mask_page_numbers:
            width, height = size
            left, top, right, bottom = PAGE_NUMBER_BOXES.get(output, PAGE_NUMBER_BOXES["pdf"])
            boxes.append((int(left * width), int(top * height), int(right * width), int(bottom * height)))
        return tolerance, boxes


def _rule(spec: Spec) -> Rule:
    tolerance = spec.raw("tolerance")
    if tolerance is not None and not isinstance(tolerance, (int, float)):
        spec.error("expected a percentage as a number", "tolerance")
        tolerance = None
    masks = []
    for index, raw in enumerate(spec.items("masks")):
        if not (isinstance(raw, list) and len(raw) == 4 and all(isinstance(v, (int, float)) for v in raw)):
            spec.error("a mask is [x, y, width, height] in points", f"masks[{index}]")
            continue
        masks.append(tuple(float(v) for v in raw))
    spec.reject_unknown({"tolerance", "masks"})
    return Rule(None if tolerance is None else float(tolerance), masks)


def load_config(snapdir: Path, errors: ErrorCollector) -> SnapshotConfig:
    path = snapdir / CONFIG_NAME
    if not path.is_file():
        return SnapshotConfig()
    display = str(path)
    spec = Spec(read_yaml(path, display, errors), display, errors)
    tolerance = spec.raw("tolerance", DEFAULT_TOLERANCE)
    if not isinstance(tolerance, (int, float)):
        spec.error("expected a percentage as a number", "tolerance")
        tolerance = DEFAULT_TOLERANCE
    page_numbers = spec.text("page_numbers", "mask")
    if page_numbers not in ("mask", "compare"):
        spec.error("expected 'mask' or 'compare'", "page_numbers")
    sections = {str(k): _rule(spec.child("sections").child(str(k))) for k in (spec.raw("sections") or {})}
    pages = {str(k): _rule(spec.child("pages").child(str(k))) for k in (spec.raw("pages") or {})}
    spec.reject_unknown({"tolerance", "page_numbers", "sections", "pages"})
    return SnapshotConfig(float(tolerance), page_numbers == "mask", sections, pages)
