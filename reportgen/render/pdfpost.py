"""What a published PDF needs that the layout engine does not write.

* Every table header cell gets an explicit ``/Scope`` (PDF/UA; WeasyPrint writes none):
  ``Column`` in the header rows, ``Row`` in the body, where our templates put the row labels.
* The archival profile: the pieces are laid out as PDF/A-3u and tagged; here the XMP
  metadata also declares PDF/UA-1 (WeasyPrint cannot emit both in one pass, its issue 2783)
  and every table of the report is attached as CSV, an associated file of the document with
  the relationship ``Data`` (PDF/A-3 allows any attachment that is declared so).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from dataclasses import dataclass

import pikepdf
from lxml import etree

PDFUA_NS = "http://www.aiim.org/pdfua/ns/id/"
PDFAID_NS = "http://www.aiim.org/pdfa/ns/id/"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str  # file name inside the PDF
    description: str
    data: bytes
    mime: str = "text/csv"


def struct_kids(element) -> list:
    """The /K of a structure element as a list: a single kid is stored bare, not in an array."""
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def scope_header(element, in_head: bool) -> None:
    """Give a TH its /Scope: ``Column`` in a table's header rows (``in_head``), ``Row`` in its body."""
    scope = pikepdf.Name.Column if in_head else pikepdf.Name.Row
    attributes = element.get("/A")
    if isinstance(attributes, pikepdf.Dictionary) and attributes.get("/O") == "/Table":
        attributes.Scope = scope
    else:
        table = pikepdf.Dictionary(O=pikepdf.Name.Table, Scope=scope)
        if attributes is None:
            element.A = table
        elif isinstance(attributes, pikepdf.Array):
            element.A = pikepdf.Array([*attributes, table])
        else:
            element.A = pikepdf.Array([attributes, table])


def _pdf_date(date: _dt.date) -> str:
    return f"D:{date:%Y%m%d}000000Z"


def declare_pdfua(pdf: pikepdf.Pdf) -> None:
    """Add ``pdfuaid:part=1`` beside the ``pdfaid`` identification of the XMP metadata."""
    xmp = etree.fromstring(pdf.Root.Metadata.read_bytes())
    descriptions = xmp.iter(f"{{{RDF_NS}}}Description")
    target = next((d for d in descriptions if d.get(f"{{{PDFAID_NS}}}part")), None)
    if target is None:
        raise ValueError("the layout did not write a PDF/A identification")
    etree.register_namespace("pdfuaid", PDFUA_NS)
    target.set(f"{{{PDFUA_NS}}}part", "1")
    packet = etree.tostring(xmp, encoding="utf-8")
    pdf.Root.Metadata = pdf.make_stream(
        b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>\n' + packet + b'\n<?xpacket end="r"?>',
        Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name("/XML"))


def attach(pdf: pikepdf.Pdf, attachments: list[Attachment], date: _dt.date) -> None:
    """Embed ``attachments`` as associated files of the document (catalog /AF), named in
    /EmbeddedFiles, each with its MIME type, size, date and checksum."""
    if not attachments:
        return
    specs = []
    for item in attachments:
        stream = pdf.make_stream(item.data)
        stream.Type = pikepdf.Name.EmbeddedFile
        stream.Subtype = pikepdf.Name("/" + item.mime)
        stream.Params = pikepdf.Dictionary(Size=len(item.data), ModDate=_pdf_date(date),
                                           CheckSum=pikepdf.String(hashlib.md5(item.data, usedforsecurity=False).digest()))
        spec = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Filespec, F=pikepdf.String(item.name), UF=pikepdf.String(item.name),
            Desc=pikepdf.String(item.description), AFRelationship=pikepdf.Name.Data,
            EF=pikepdf.Dictionary(F=stream, UF=stream)))
        specs.append((item.name, spec))
    names: list = []
    for name, spec in sorted(specs, key=lambda pair: pair[0]):
        names += [pikepdf.String(name), spec]
    if "/Names" not in pdf.Root:
        pdf.Root.Names = pikepdf.Dictionary()
    pdf.Root.Names.EmbeddedFiles = pdf.make_indirect(pikepdf.Dictionary(Names=pikepdf.Array(names)))
    pdf.Root.AF = pikepdf.Array([spec for _, spec in specs])
