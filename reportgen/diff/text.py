"""The narrative layer: word-level changes of the authored text, per section.

The Markdown *sources* are compared, placeholders included, so a figure that changed because
its data changed shows up in the figures layer only, and an edited sentence in this one.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

CONTEXT = 8  # words shown on each side of a change


@dataclass(slots=True)
class Hunk:
    before: str  # context
    removed: str
    added: str
    after: str


@dataclass(slots=True)
class TextChange:
    section: str  # "1 Premessa"
    file: str
    hunks: list[Hunk] = field(default_factory=list)


def word_hunks(old: str, new: str) -> list[Hunk]:
    a, b = re.findall(r"\S+", old), re.findall(r"\S+", new)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    hunks = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        hunks.append(Hunk(" ".join(a[max(0, i1 - CONTEXT):i1]), " ".join(a[i1:i2]), " ".join(b[j1:j2]),
                          " ".join(a[i2:i2 + CONTEXT])))
    return hunks
