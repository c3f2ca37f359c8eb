"""The deck's package made reproducible: fixed core properties (dated by the report's
document date), fixed timestamps and a stable entry order, so the same input gives the same
bytes."""

from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile

from ...content.model import Report

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_W3CDTF = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def document_moment(report: Report) -> _dt.datetime:
    when = report.meta.document_date
    return _dt.datetime(when.year, when.month, when.day)


def fixed_core_properties(prs, report: Report) -> None:
    moment = document_moment(report)
    props = prs.core_properties
    props.title = report.meta.title
    props.author = report.meta.administration
    props.last_modified_by = report.meta.administration
    props.language = report.meta.locale.replace("_", "-")
    props.created = moment
    props.modified = moment
    props.last_printed = moment
    props.revision = 1


def normalize_zip(data: bytes, moment: _dt.datetime | None = None) -> bytes:
    """Rewrite an OOXML package with fixed timestamps and a stable entry order. Embedded
    packages (the workbooks behind native charts) are normalized too, and their creation
    dates set to ``moment``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    return write_package({name: normalized_entry(name, source.read(name), moment) for name in source.namelist()})


def normalized_entry(name: str, content: bytes, moment: _dt.datetime | None) -> bytes:
    """One entry of a package as :func:`normalize_zip` writes it."""
    if name.endswith(".xlsx"):
        return normalize_zip(content, moment)
    if name == "docProps/core.xml" and moment is not None:
        stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
        return _W3CDTF.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
    return content


def write_package(entries: dict[str, bytes]) -> bytes:
    """A package of ``entries`` (name → content) with fixed timestamps and a stable entry order,
    as the deck built whole and the deck assembled from parts (:mod:`.parts`) are both written."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        first = [n for n in entries if n == "[Content_Types].xml"]  # must stay first
        for name in first + sorted(n for n in entries if n not in first):
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, entries[name])
    return out.getvalue()
