"""The deck made of parts: the title and contents slides, and each top-level section, built on
their own and kept, then streamed into one package that is the same, byte for byte, as the deck
built whole.

A part is what a section adds to the package (its slides, their notes, charts, embedded
workbooks and pictures), built in a fresh deck from the same template. What a part shows
beyond its section is in its cache key (pipeline.keys: the contents list every chapter's
heading, a section opens with a divider when some chapter has subsections). What the whole
deck would make differently is only where the part stands, and the assembly supplies it: the
parts' numbers (``slide7.xml``: python-pptx numbers each kind of part in the order made, so a
section's are shifted by the count of the sections before it), the slide numbers in the footers
(drawn as marks, replaced here), the presentation's slide list and relationships (the notes
master's where the first notes slide made it), the content types, a picture shown in two
sections (stored once), the titles made unique across the deck
(:func:`.accessibility._unique_titles`' rule) and, after every slide, the embedded fonts.
The deck-wide rest (core properties, language, the template's parts) comes from the frame,
the template as the whole deck has it.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from functools import lru_cache

from lxml import etree

from ...content.model import Report
from ...formatting import Formatter
from . import fastxml
from .accessibility import make_accessible
from .fonts import embed_fonts
from .package import FIXED_TIME, document_moment, fixed_core_properties, normalize_zip, normalized_entry, write_package
from .slides import section_slides, title_slide
from .state import CONTINUED, Deck
from .template import Geometry, find_layout, fresh_template

TITLE = -1  # the part of the title slide; the sections' are their index
_MARK = re.compile("\ue000(\\d+)\ue001".encode())
_NUMBERED = re.compile(r"^(/.*/)([A-Za-z_]+?)(\d+)(\.\w+)$")
_P = "http://schemas.openxmlformats.org/presentationml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_RT_SLIDE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide"
_RT_NOTES_MASTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/notesMaster"
_PICTURE = re.compile(r"ppt/media/image(\d+)\.\w+$")
_MANIFEST = "manifest.json"
_SLD_ID, _R_ID = f"{{{_P}}}sldId", f"{{{_R}}}id"


class _SlideMark(int):
    """A slide number that prints as a mark: a part does not know how many slides precede it."""

    def __add__(self, other):
        return _SlideMark(int(self) + int(other))

    __radd__ = __add__

    def __str__(self) -> str:
        return f"\ue000{int(self)}\ue001"

    def __format__(self, spec: str) -> str:
        return str(self) if not spec else format(int(self), spec)


def _fresh_deck(report: Report, formatter: Formatter, root) -> Deck:
    template = report.meta.theme.pptx_template
    prs, shared = fresh_template(root / template if template and root else None)
    if "geometry" not in shared:
        shared["geometry"] = Geometry.of(prs, find_layout(prs, "content"))
    return Deck(prs, report, formatter, styled=template is None, geometry=shared["geometry"],
                copies=shared.setdefault("copies", {}))


def _finish(deck: Deck, report: Report) -> None:
    """What the whole deck does once done, but the titles (unique across the deck: assembled)."""
    titles, deck.titles = deck.titles, []
    make_accessible(deck)
    deck.titles = titles
    fixed_core_properties(deck.prs, report)


def _pack(manifest: dict, blobs: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for name, data in [(_MANIFEST, json.dumps(manifest, sort_keys=True).encode()), *sorted(blobs.items())]:
            target.writestr(zipfile.ZipInfo(name, FIXED_TIME), data)
    return out.getvalue()


def _unpack(data: bytes) -> tuple[dict, dict[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        blobs = {name: source.read(name) for name in source.namelist()}
    return json.loads(blobs.pop(_MANIFEST)), blobs


def _rels(part) -> list:
    return [[rel.rId, rel.reltype, rel.target_ref if rel.is_external else str(rel.target_part.partname),
             rel.is_external] for rel in part.rels.values()]


def render_part(report: Report, formatter: Formatter, root, which: int) -> bytes:
    """The part of the title slide (:data:`TITLE`) or of the top-level section ``which``."""
    deck = _fresh_deck(report, formatter, root)
    package = deck.prs.part.package
    before = {str(p.partname) for p in package.iter_parts()}
    rels_before = set(deck.prs.part.rels)
    deck.number = _SlideMark(0)
    with fastxml.indexed_partnames(package):
        if which == TITLE:
            title_slide(deck, root)
        else:
            section_slides(deck, report.sections[which])
    titles = [entry.shape.text_frame.text if entry.shape is not None else None for entry in deck.titles]
    _finish(deck, report)
    moment = document_moment(report)
    parts = [p for p in package.iter_parts() if str(p.partname) not in before]
    masters = {str(p.partname) for p in parts if p.content_type.endswith("notesMaster+xml")}
    for part in list(parts):  # the notes master and what it brings belong to the frame
        if str(part.partname) in masters:
            masters |= {str(r.target_part.partname) for r in part.rels.values() if not r.is_external}
    parts = [p for p in parts if str(p.partname) not in masters]
    blobs, entries = {}, []
    for part in parts:
        name = str(part.partname)
        blob = part.blob
        if name.endswith(".xlsx"):
            blob = normalize_zip(blob, moment)
        blobs[name] = blob
        entries.append({"name": name, "type": part.content_type, "rels": _rels(part)})
    slides = [str(slide.part.partname) for slide in deck.prs.slides]
    return _pack({"parts": entries, "slides": slides, "master": _master_after(deck.prs.part, rels_before),
                  "titles": titles, "count": deck.number}, blobs)


def _master_after(presentation, rels_before: set[str]) -> int | None:
    """How many of the part's slides were made before python-pptx made the notes master (with
    the part's first notes slide: a section's notes come once its slides are drawn), None if
    the part made none. The relationships are kept in the order made."""
    made = 0
    for rid, rel in presentation.rels.items():
        if rid in rels_before:
            continue
        if rel.reltype == _RT_NOTES_MASTER:
            return made
        made += rel.reltype == _RT_SLIDE
    return None


def _frame(report: Report, formatter: Formatter, root, notes: bool):
    """The template as the whole deck has it (properties, language, the notes master if any
    slide has notes): the package the parts go into, and whether the template brings its own
    notes master (then it stays where the template has it)."""
    deck = _fresh_deck(report, formatter, root)
    own_master = any(rel.reltype == _RT_NOTES_MASTER for rel in deck.prs.part.rels.values())
    if notes:
        deck.prs.part.notes_master_part  # noqa: B018 - made on first use, as a first notes slide does
    _finish(deck, report)
    package = deck.prs.part.package
    parts = list(package.iter_parts())
    # what prs.save and normalize_zip would write, without writing a zip only to read it back
    moment = document_moment(report)
    entries = {"_rels/.rels": package._rels.xml}
    for part in parts:
        name = part.partname.membername
        entries[name] = normalized_entry(name, part.blob, moment)
        if part._rels:
            entries[part.partname.rels_uri.membername] = part.rels.xml
    return deck, own_master, parts, entries


@lru_cache(maxsize=4096)
def _relative(target: str, base: str) -> str:
    """PackURI.relative_ref, once per pair (a deck has hundreds of the same few)."""
    from pptx.opc.packuri import PackURI

    return PackURI(target).relative_ref(base)


def _next_rid(used: set[str]) -> str:
    for n in range(len(used) + 1, 0, -1):  # python-pptx's rule: the highest free number up to count + 1
        if f"rId{n}" not in used:
            return f"rId{n}"
    raise AssertionError("no free rId")  # pragma: no cover


def _retitle(xml: bytes, title: str) -> bytes:
    """The first run of the title placeholder (idx 0) says ``title``, as :func:`.state.retitle`."""
    from pptx.oxml import parse_xml
    from pptx.oxml.ns import qn

    root = parse_xml(xml)
    for shape in root.find(qn("p:cSld")).find(qn("p:spTree")):
        ph = shape.find(f"./*[1]/{qn('p:nvPr')}/{qn('p:ph')}")
        if ph is None or int(ph.get("idx", "0")) != 0:
            continue
        body = shape.find(qn("p:txBody"))
        paragraph = body.find(qn("a:p")) if body is not None else None
        run = paragraph.find(qn("a:r")) if paragraph is not None else None
        if run is not None:
            run.find(qn("a:t")).text = title
        break
    return etree.tostring(root, encoding="UTF-8", standalone=True)


def _unique(titles: list[str | None]) -> list[str | None]:
    """:func:`.accessibility._unique_titles` over the titles of the whole deck: the new title of
    each slide whose title changes, None for the others."""
    seen: set[str] = set()
    changed: list[str | None] = []
    for title in titles:
        if title is None:
            changed.append(None)
            continue
        candidate, n = title, 1
        while candidate in seen:
            candidate = f"{title} {CONTINUED}" if n == 1 else f"{title} (segue {n})"
            n += 1
        changed.append(candidate if candidate != title else None)
        seen.add(candidate)
    return changed


def assemble(report: Report, formatter: Formatter, root, parts: list[bytes]) -> bytes:
    """The deck from its parts, in order (the title slide's first unless the report is partial)."""
    from pptx.opc.oxml import CT_Relationships
    from pptx.opc.packuri import PackURI
    from pptx.opc.serialized import _ContentTypesItem
    from pptx.oxml import parse_xml

    unpacked = [_unpack(data) for data in parts]
    notes = any(m["master"] is not None for m, _ in unpacked)
    frame, own_master, frame_parts, entries = _frame(report, formatter, root, notes)
    presentation = frame.prs.part

    # the parts' names as the whole deck numbers them
    offsets: dict[tuple[str, str], int] = {}
    # the template's pictures too: python-pptx would show one of them again rather than store it twice
    media = {name: m for name in entries if (m := _PICTURE.match(name))}
    images = {hashlib.sha1(entries[name]).digest(): f"/{name}" for name in media}
    pictures = {int(m.group(1)) for m in media.values()}
    renamed: list[dict[str, str]] = []
    for manifest, blobs in unpacked:
        names, counts = {}, {}
        for entry in manifest["parts"]:
            name = entry["name"]
            match = _NUMBERED.match(name)
            if match is None:
                names[name] = name
                continue
            folder, stem, number, ext = match.groups()
            kind = (folder, stem)
            if entry["type"].startswith("image/"):
                sha = hashlib.sha1(blobs[name]).digest()  # python-pptx stores a picture once
                if sha not in images:  # named by its rule: the first number free, whatever the extension
                    free = next(n for n in range(1, len(pictures) + 2) if n not in pictures)
                    pictures.add(free)
                    images[sha] = f"{folder}{stem}{free}{ext}"
                names[name] = images[sha]
                continue
            names[name] = f"{folder}{stem}{int(number) + offsets.get(kind, 0)}{ext}"
            counts[kind] = counts.get(kind, 0) + 1  # the template's own are numbered before every part's
        for kind, count in counts.items():
            offsets[kind] = offsets.get(kind, 0) + count
        renamed.append(names)

    # the presentation's relationships and slide list, slide by slide as python-pptx adds them
    rels = {rel.rId: [rel.reltype, rel.target_ref, rel.is_external] for rel in presentation.rels.values()
            if rel.reltype != _RT_NOTES_MASTER or own_master}
    master = next((rel for rel in presentation.rels.values() if rel.reltype == _RT_NOTES_MASTER), None)
    prs = parse_xml(entries["ppt/presentation.xml"])
    slide_list = prs.get_or_add_sldIdLst()
    for element in list(slide_list):
        slide_list.remove(element)
    number, master_added, slide_titles, slide_names = 0, own_master, [], []
    types = [(str(p.partname), p.content_type) for p in frame_parts]
    for (manifest, blobs), names in zip(unpacked, renamed):
        for made, slide in enumerate([*manifest["slides"], None]):
            if made == manifest["master"] and not master_added:  # where the whole deck makes it
                master_added = True
                rels[_next_rid(set(rels))] = [_RT_NOTES_MASTER, master.target_ref, False]
            if slide is None:
                continue
            rid = _next_rid(set(rels))
            rels[rid] = [_RT_SLIDE, _relative(names[slide], "/ppt"), False]
            # python-pptx's add_sldId, without its search of the list: the ids follow each other from 256
            etree.SubElement(slide_list, _SLD_ID, {"id": str(256 + len(slide_names)), _R_ID: rid})
            slide_names.append(names[slide])
        slide_titles += manifest["titles"]
        for entry in manifest["parts"]:
            name = names[entry["name"]]
            if name in entries or name.lstrip("/") in entries:
                continue  # a picture already stored
            blob = blobs[entry["name"]]
            if name.startswith("/ppt/slides/"):
                blob = _MARK.sub(lambda m, start=number: str(start + int(m.group(1))).encode(), blob)
            entries[name.lstrip("/")] = blob
            types.append((name, entry["type"]))
            if entry["rels"]:
                xml = CT_Relationships.new()
                for rid, reltype, target, external in entry["rels"]:
                    ref = target if external else _relative(names.get(target, target), PackURI(name).baseURI)
                    xml.add_rel(rid, reltype, ref, external)
                entries[PackURI(name).rels_uri.lstrip("/")] = xml.xml_file_bytes
        number += int(manifest["count"])
    for slide, title in zip(slide_names, _unique(slide_titles)):
        if title is not None:
            entries[slide.lstrip("/")] = _retitle(entries[slide.lstrip("/")], title)
    if frame.styled:  # after every slide, as the whole deck embeds them: the same names and rIds
        embed_fonts(_Presentation(prs, rels, entries, types))

    xml = CT_Relationships.new()
    for rid in sorted(rels, key=lambda rid: (int(rid[3:]), rid)):  # in numerical order, as python-pptx
        reltype, target, external = rels[rid]
        xml.add_rel(rid, reltype, target, external)
    entries["ppt/_rels/presentation.xml.rels"] = xml.xml_file_bytes
    entries["ppt/presentation.xml"] = etree.tostring(prs, encoding="UTF-8", standalone=True)
    entries["[Content_Types].xml"] = etree.tostring(
        _ContentTypesItem.xml_for([_Typed(PackURI(n), t) for n, t in types]), encoding="UTF-8", standalone=True)
    return write_package(entries)


class _Typed:
    def __init__(self, partname, content_type: str):
        self.partname, self.content_type = partname, content_type


class _Presentation:
    """What :func:`.fonts.embed_fonts` uses of a python-pptx presentation (``prs.part``, its
    package's ``next_partname``, ``relate_to``, ``_element``), over the package being assembled."""

    def __init__(self, element, rels: dict, entries: dict[str, bytes], types: list):
        self._element, self.rels, self.entries, self.types = element, rels, entries, types
        self.part = self.package = self

    def next_partname(self, template: str):
        from pptx.opc.packuri import PackURI

        prefix = template[: (template % 42).find("42")]
        names = {f"/{name}" for name in self.entries if f"/{name}".startswith(prefix)}
        # python-pptx's rule: the highest free number up to count + 1
        return PackURI(next(template % n for n in range(len(names) + 1, 0, -1) if template % n not in names))

    def relate_to(self, part, reltype: str) -> str:
        rid = _next_rid(set(self.rels))
        self.rels[rid] = [reltype, part.partname.relative_ref("/ppt"), False]
        self.entries[part.partname.lstrip("/")] = part.blob
        self.types.append((str(part.partname), part.content_type))
        return rid


def render_pptx_parts(report: Report, formatter: Formatter, root=None) -> bytes:
    """The whole deck, made of its parts in this process (what the build does across workers)."""
    which = ([] if report.partial else [TITLE]) + list(range(len(report.sections)))
    return assemble(report, formatter, root, [render_part(report, formatter, root, w) for w in which])
