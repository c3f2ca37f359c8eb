"""Joins separately laid-out pieces into one PDF with everything a single layout pass has.

Each piece is a complete tagged PDF (WeasyPrint, PDF/UA-1). The merged document keeps:
the pages in order, one structure tree (the pieces' elements under one Document, their
``main`` parts joined into one Part, the parent tree renumbered), the bookmarks as one
outline, the named destinations the links and contents point to, the metadata of the
first piece, and one copy of each font (the pieces' subsets joined into one subset).
Page numbers are then written by :mod:`reportgen.render.folio`.
"""

from __future__ import annotations

import datetime as _dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

import pikepdf

from .common import Folio
from .folio import add_page_numbers
from .fonts import merge_fonts
from .pdf import PdfPiece
from .pdfpost import Attachment, add_header_scope, attach, declare_pdfua, struct_kids


@dataclass(frozen=True, slots=True)
class MergedPdf:
    data: bytes
    pages: int
    section_pages: dict[str, int]  # section id → printed number of its first page


def _struct_root(pdf: pikepdf.Pdf):
    return pdf.Root.get("/StructTreeRoot")


def _leaves(tree, kind: str = "/Nums") -> list[tuple[object, object]]:
    """The (key, value) pairs of a number tree (``/Nums``) or a name tree (``/Names``), flat
    or with kids."""
    pairs = []
    if kind in tree:
        items = tree[kind]
        pairs += [(items[i], items[i + 1]) for i in range(0, len(items), 2)]
    for kid in tree.get("/Kids", []):
        pairs += _leaves(kid, kind)
    return pairs


def _prefix_ids(root, prefix: bytes) -> None:
    """Structure element IDs are unique within one piece only (WeasyPrint names a table's
    header cells after the table's object number, and numbers restart in every piece): they
    are prefixed, with the /Headers attributes of the cells that refer to them."""
    seen: set[tuple[int, int]] = set()
    stack = [root.get("/K")]
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
            node.ID = pikepdf.String(prefix + bytes(node.ID))
        if "/Headers" in node and not node.get("/S"):  # an attribute object (/O /Table)
            node.Headers = pikepdf.Array([pikepdf.String(prefix + bytes(h)) for h in node.Headers])
        for key in ("/A", "/K"):
            if key in node:
                stack.append(node[key])


def _outline_items(pdf: pikepdf.Pdf) -> list:
    outlines = pdf.Root.get("/Outlines")
    items, item = [], outlines.get("/First") if outlines is not None else None
    while item is not None:
        items.append(item)
        item = item.get("/Next")
    return items


class _Merger:
    def __init__(self) -> None:
        self.pdf: pikepdf.Pdf | None = None
        self.parent_tree: list[tuple[int, object]] = []
        self.next_key = 0
        self.document = None  # the Document structure element
        self.part = None  # its Part (the HTML main element), shared by the pieces
        self.destinations: dict[bytes, object] = {}
        self.outline: list = []
        self.pieces = 0  # added after the first

    def add(self, piece: pikepdf.Pdf) -> None:
        if self.pdf is None:
            self.pdf = piece
            self._adopt(piece, list(piece.pages))
            return
        self.pieces += 1
        if (root := _struct_root(piece)) is not None:
            _prefix_ids(root, b"p%d-" % self.pieces)
        pages = []
        for page in piece.pages:
            self.pdf.pages.append(page)
            pages.append(self.pdf.pages[-1])
        self._adopt(piece, pages)

    def _copy(self, source: pikepdf.Pdf, obj):
        # copy_foreign maps the objects of one source consistently: the pages appended above are
        # the ones the structure elements, destinations and bookmarks point to
        if source is self.pdf:
            return obj
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            return self.pdf.copy_foreign(obj)
        if isinstance(obj, pikepdf.Array):
            return pikepdf.Array([self._copy(source, item) for item in obj])
        if isinstance(obj, pikepdf.Dictionary):
            return pikepdf.Dictionary({key: self._copy(source, value) for key, value in obj.items()})
        return obj

    def _adopt(self, source: pikepdf.Pdf, pages: list) -> None:
        offset = self.next_key
        root = _struct_root(source)
        if root is not None:
            pairs = [(int(k), v) for k, v in _leaves(root.ParentTree)] if "/ParentTree" in root else []
            for key, value in pairs:
                self.parent_tree.append((key + offset, self._copy(source, value)))
            self.next_key = offset + (max((k for k, _ in pairs), default=-1) + 1)
            for page in pages:
                if "/StructParents" in page.obj:
                    page.obj.StructParents = int(page.obj.StructParents) + offset
                for annotation in page.obj.get("/Annots", []):
                    if "/StructParent" in annotation:
                        annotation.StructParent = int(annotation.StructParent) + offset
            for document in struct_kids(root):
                self._adopt_document(self._copy(source, document))
        names = source.Root.get("/Names")
        if names is not None and "/Dests" in names:
            for name, destination in _leaves(names.Dests, "/Names"):
                # a later piece holds the real anchor of a name the contents only stood in for
                self.destinations[bytes(name)] = self._copy(source, destination)
        for item in _outline_items(source):
            self.outline.append(self._copy(source, item))

    def _adopt_document(self, document) -> None:
        kids = struct_kids(document)
        if self.document is None:
            self.document = document
            self.part = next((k for k in kids if k.get("/S") == "/Part"), None)
            return
        for kid in kids:
            if kid.get("/S") == "/Part" and self.part is not None:
                # one report body, as in a single layout pass
                part_kids = struct_kids(kid)
                for element in part_kids:
                    if isinstance(element, pikepdf.Dictionary):
                        element.P = self.part
                self.part.K = pikepdf.Array([*struct_kids(self.part), *part_kids])
            else:
                kid.P = self.document
                self.document.K = pikepdf.Array([*struct_kids(self.document), kid])
                if kid.get("/S") == "/Part" and self.part is None:
                    self.part = kid

    def _prune(self, element) -> bool:
        """Drop structure elements with nothing inside (the contents' stand-in anchors, for
        one); True when ``element`` has content."""
        items = struct_kids(element)
        kept = []
        for item in items:
            if isinstance(item, pikepdf.Dictionary) and "/S" in item:
                if self._prune(item):
                    kept.append(item)
            else:  # a marked-content id, a marked-content or object reference
                kept.append(item)
        if len(kept) != len(items):
            element.K = pikepdf.Array(kept)
        return bool(kept)

    def finish(self) -> pikepdf.Pdf:
        pdf = self.pdf
        root = _struct_root(pdf)
        if root is not None and self.document is not None:
            self._prune(self.document)
        if root is not None:
            nums: list = []
            for key, value in sorted(self.parent_tree, key=lambda pair: pair[0]):
                nums += [key, value]
            root.ParentTree = pdf.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(nums)))
            root.ParentTreeNextKey = self.next_key
            if self.document is not None:
                self.document.P = root
                root.K = pikepdf.Array([self.document])
        if self.destinations:
            names: list = []
            for name in sorted(self.destinations):
                names += [pikepdf.String(name), self.destinations[name]]
            if "/Names" not in pdf.Root:
                pdf.Root.Names = pikepdf.Dictionary()
            pdf.Root.Names.Dests = pdf.make_indirect(pikepdf.Dictionary(Names=pikepdf.Array(names)))
        if self.outline:
            outlines = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines))
            visible = 0
            for index, item in enumerate(self.outline):
                item.Parent = outlines
                if index:
                    item.Prev = self.outline[index - 1]
                elif "/Prev" in item:
                    del item.Prev
                if index < len(self.outline) - 1:
                    item.Next = self.outline[index + 1]
                elif "/Next" in item:
                    del item.Next
                count = int(item.get("/Count", 0))
                visible += 1 + max(count, 0)
            outlines.First, outlines.Last, outlines.Count = self.outline[0], self.outline[-1], visible
            pdf.Root.Outlines = outlines
        return pdf


def merge_pieces(pieces: Sequence[PdfPiece], folio: Folio, colour: str, first_number: int = 1,
                 total: int | None = None, archival: bool = False, attachments: Sequence[Attachment] = (),
                 date: _dt.date | None = None) -> MergedPdf:
    """Join ``pieces`` in order and number the pages from ``first_number`` (a section built
    alone keeps its numbers in the full report) out of ``total`` (default: this document's).
    ``archival``: the pieces are PDF/A-3u; the result also declares PDF/UA-1 and carries
    ``attachments`` (dated ``date``) as associated files."""
    merger = _Merger()
    numbers: list[int | None] = []
    section_pages: dict[str, int] = {}
    opened = []
    for piece in pieces:
        pdf = pikepdf.open(io.BytesIO(piece.data))
        opened.append(pdf)
        start = len(numbers)
        for section, page in piece.section_pages.items():
            section_pages.setdefault(section, first_number + start + page)
        unnumbered = set(piece.unnumbered)
        numbers += [None if i in unnumbered else first_number + start + i for i in range(piece.pages)]
        merger.add(pdf)
    merged = merger.finish()
    merge_fonts(merged)  # also alone: the one subset made the same way whatever WeasyPrint's subsetter
    add_page_numbers(merged, folio, colour, numbers, total if total is not None else first_number + len(numbers) - 1)
    add_header_scope(merged)
    if archival:
        declare_pdfua(merged)
        attach(merged, list(attachments), date or _dt.date(1980, 1, 1))
    buffer = io.BytesIO()
    # a document id derived from the content (not the time): the same inputs give the same bytes
    merged.save(buffer, deterministic_id=True, compress_streams=True,
                object_stream_mode=pikepdf.ObjectStreamMode.generate)
    for pdf in opened:
        pdf.close()
    return MergedPdf(buffer.getvalue(), len(numbers), section_pages)

