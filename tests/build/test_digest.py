"""Content digests, the keys of the build cache: equal for equal content, different for any
difference an output could show, never for what no output prints."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

from reportgen import __version__
from reportgen.digest import NOT_PRINTED, bundled_digest, digest, file_digest, tool_versions


@dataclasses.dataclass(frozen=True)
class _Figure:
    value: Decimal
    unit: str
    source: str = "data/kpi.csv:3"  # where it came from: printed nowhere
    deps: tuple = ()


def test_equal_content_gives_equal_digests():
    value = {"b": [1, "x", (Decimal("1.50"), None)], "a": {3, 1, 2}, "c": dt.date(2024, 12, 31)}
    same = {"c": dt.date(2024, 12, 31), "a": {2, 3, 1}, "b": [1, "x", (Decimal("1.50"), None)]}
    assert digest(value) == digest(same)
    assert len(digest(value)) == 64 and int(digest(value), 16) >= 0


@pytest.mark.parametrize("one, other", [
    (1, "1"), (1, 1.0), (1, Decimal("1")), (True, 1), (None, "None"), ("", b""),
    (Decimal("1.5"), Decimal("1.50")),  # printed with another number of decimals
    (["ab"], ["a", "b"]), (["a", "b"], ["ab", ""]), ([[1], 2], [1, [2]]),
    ({"a": 1}, {"a": 2}), ({"a": 1}, {"b": 1}), ({"a": 1}, [("a", 1)]),
    (dt.date(2024, 1, 2), dt.date(2024, 2, 1)), ("è", "e"),
])
def test_any_difference_gives_another_digest(one, other):
    assert digest(one) != digest(other)


def test_values_are_fed_in_order():
    assert digest("a", "b") != digest("b", "a") != digest("ab")


def test_what_no_output_prints_is_left_out():
    figure = _Figure(Decimal("1.88"), "%")
    moved = dataclasses.replace(figure, source="data/kpi.csv:9", deps=("kpi.a",))
    assert NOT_PRINTED == {"source", "deps"}
    assert digest(figure) == digest(moved)
    assert digest(figure) != digest(dataclasses.replace(figure, value=Decimal("1.89")))
    assert digest(figure) != digest(dataclasses.replace(figure, unit="EUR"))
    assert digest(figure, skip=frozenset()) != digest(moved, skip=frozenset())


def test_a_path_is_its_posix_text():
    assert digest(Path("text/premessa.md")) == digest("text/premessa.md") != digest(Path("text/premessa.txt"))


def test_an_unknown_type_cannot_fall_out_of_a_key():
    with pytest.raises(TypeError):
        digest(object())
    with pytest.raises(TypeError):
        digest({"nested": [1, lambda: 2]})


def test_objects_name_the_fields_that_count():
    class Styled:
        __digest_fields__ = ("colour",)

        def __init__(self, colour: str, cache: dict):
            self.colour, self.cache = colour, cache

    assert digest(Styled("red", {})) == digest(Styled("red", {"filled": 1}))
    assert digest(Styled("red", {})) != digest(Styled("blue", {}))


def test_every_digest_covers_the_tool_and_its_renderers(monkeypatch):
    versions = tool_versions()
    assert versions[0] == f"reportgen={__version__}" and versions[1].startswith("code=")
    assert {v.split("=")[0] for v in versions} >= {"weasyprint", "python-pptx", "matplotlib", "pikepdf", "babel"}
    before = digest("x")
    monkeypatch.setattr("reportgen.digest.tool_versions", lambda: (*versions[:-1], "markdown-it-py=0"))
    assert digest("x") != before


def test_file_and_bundled_digests(tmp_path):
    path = tmp_path / "logo.png"
    path.write_bytes(b"\x89PNG data")
    assert file_digest(path) == hashlib.sha256(b"\x89PNG data").hexdigest()
    assert len(bundled_digest()) == 64 and bundled_digest() == bundled_digest()
