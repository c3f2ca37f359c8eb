"""Joins separately laid-out pieces into one PDF with everything a single layout pass has.

Each piece is a complete tagged PDF (WeasyPrint, PDF/UA-1). The merged document keeps:
the pages in order, one structure tree (the pieces' elements under one Document, their
``main`` parts joined into one Part, the parent tree renumbered), the bookmarks as one
outline, the named destinations the links and contents point to, the metadata of the
first piece, and one copy of each font (the pieces' subsets joined into one subset).
Page numbers are then written by :mod:`reportgen.render.folio`.

What depends on one piece only is done by :func:`prepare_piece`, in the worker that lays the
piece out, and kept with it in the cache: its structure element IDs made unique (prefixed
after the piece's own bytes), its empty elements dropped, its header cells scoped. After an
edit, the merge then only stitches the pieces together (a piece that was not prepared, one
laid out by a caller of :func:`merge_pieces`, is prepared there).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass

import pikepdf

from ..colours import rgb_triplet
from .common import Contents, Folio
from .contents import fill_contents, placeholders
from .folio import add_page_numbers
from .fonts import merge_fonts
from .pdf import PdfPiece
from .pdfpost import Attachment, attach, declare_pdfua, scope_header, struct_kids

#: on a prepared piece's StructTreeRoot: the prefix its IDs were given (removed by the merge)
PREPARED = pikepdf.Name("/RGPrepared")


#: the documents of this process's last merge, let go when the next one starts: taking them apart
#: (QPDF frees every object, a fifth of a merge's time) waits until after the merged bytes are
#: handed back, and a worker process, which ends without tearing anything down, never pays it
_LAST_MERGE: list[pikepdf.Pdf] = []


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
    header cells after the table's object number, and numbers restart in every piece): every
    element's are prefixed (:func:`_prefix_element`)."""
    seen: set[tuple[int, int]] = set()  # an element reached twice is prefixed once
    stack = [kid for kid in struct_kids(root) if _is_element(kid)]
    while stack:
        element = stack.pop()
        if element.is_indirect:
            if element.objgen in seen:
                continue
            seen.add(element.objgen)
        _prefix_element(element, prefix)
        stack += [kid for kid in struct_kids(element) if _is_element(kid)]


def _prefix_element(element, prefix: bytes) -> None:
    """``prefix`` before an element's ID and before the IDs its attributes refer to (/Headers)."""
    if "/ID" in element:
        element.ID = pikepdf.String(prefix + bytes(element.ID))
    if "/A" in element:
        attributes = element.A
        for attribute in attributes if isinstance(attributes, pikepdf.Array) else [attributes]:
            if isinstance(attribute, pikepdf.Dictionary) and "/Headers" in attribute:
                attribute.Headers = pikepdf.Array([pikepdf.String(prefix + bytes(h)) for h in attribute.Headers])


def _outline_items(outlines) -> list:
    items, item = [], outlines.get("/First")
    while item is not None:
        items.append(item)
        item = item.get("/Next")
    return items


def _is_element(item) -> bool:
    return isinstance(item, pikepdf.Dictionary) and "/S" in item


def piece_prefix(pdf: pikepdf.Pdf, data: bytes) -> bytes:
    """The prefix of a piece's structure element IDs, from the identifier the layout derives
    from the piece's HTML and CSS (:func:`reportgen.render.pdf.render_pdf`): the same piece
    gets the same prefix whatever install, day or font subsetter made it, two pieces differ in
    theirs (a piece that a document holds twice is told apart by :func:`merge_pieces`). A PDF
    without an identifier is known by its bytes (``data``)."""
    ids = pdf.trailer.get("/ID")
    source = bytes(ids[0]) if isinstance(ids, pikepdf.Array) and len(ids) else data
    return hashlib.sha256(source).hexdigest()[:12].encode("ascii") + b"-"


def _prepare(item, prefix: bytes, in_head: bool = False, keep_kids: bool = False) -> bool:
    """A structure element and everything below it, in one walk: its ID and the IDs its
    attributes refer to (/Headers) prefixed, a header cell given its /Scope (:func:`scope_header`),
    the elements with nothing inside dropped (the contents' stand-in anchors, for one), unless
    ``keep_kids``. True when ``item`` has content: a marked-content id, a marked-content or
    object reference always has."""
    if not isinstance(item, pikepdf.Dictionary):
        return True
    keys = item.keys()  # one call: each look-up of a key is another
    if "/S" not in keys:
        return True
    if "/ID" in keys or "/A" in keys:
        _prefix_element(item, prefix)
    kind = item.S
    if kind == "/TH":
        scope_header(item, in_head)
    if "/K" not in keys:
        return False
    in_head = in_head or kind == "/THead"
    kids = item.K
    items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    kept = [kid for kid in items if _prepare(kid, prefix, in_head) or keep_kids]
    if len(kept) != len(items):
        item.K = pikepdf.Array(kept)
    return bool(kept)


def prepare(pdf: pikepdf.Pdf, prefix: bytes) -> None:
    """The merge's work on one piece, in place: IDs prefixed, header cells scoped, empty
    elements dropped. The Document's own kids are kept even when empty: the merge joins the
    Parts of all pieces and drops only those that stay empty (:meth:`_Merger.finish`), which
    is what pruning the merged tree would do."""
    root = _struct_root(pdf)
    if root is None:
        return
    for document in struct_kids(root):
        if _is_element(document):
            _prepare(document, prefix, keep_kids=True)
    root[PREPARED] = pikepdf.String(prefix)


def prepare_piece(piece: PdfPiece, numbers: int = 0) -> PdfPiece:
    """``piece`` ready to be stitched: see :func:`prepare`. ``numbers``: how many contents' page
    numbers it holds as placeholders; the sections they stand for are recorded in the piece
    (``contents``) when every one of them can be written in at the merge."""
    with pikepdf.open(io.BytesIO(piece.data)) as pdf:
        if numbers:
            found = placeholders(pdf)
            piece = dataclasses.replace(piece, contents=found if found and len(found) == numbers else ())
        prepare(pdf, piece_prefix(pdf, piece.data))
        buffer = io.BytesIO()
        # its metadata as WeasyPrint wrote it (the first piece's is the document's)
        pdf.save(buffer, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 fix_metadata_version=False)
    return dataclasses.replace(piece, data=buffer.getvalue())


class _Merger:
    def __init__(self) -> None:
        self.pdf: pikepdf.Pdf | None = None
        self.parent_tree: list[tuple[int, object]] = []
        self.next_key = 0
        self.document = None  # the Document structure element
        self.part = None  # its Part (the HTML main element), shared by the pieces
        self.destinations: dict[bytes, object] = {}
        self.outline: list = []

    def add(self, piece: pikepdf.Pdf) -> None:
        """Append a prepared piece (:func:`prepare`)."""
        if self.pdf is None:
            self.pdf = piece
            self._adopt(piece, list(piece.pages))
            return
        pages = []
        for page in piece.pages:
            self.pdf.pages.append(page)
            pages.append(self.pdf.pages[-1])
        self._adopt(piece, pages)

    def _copy(self, source: pikepdf.Pdf, obj):
        # copy_foreign maps the objects of one source consistently: the pages appended above are
        # the ones the structure elements, destinations and bookmarks point to. A direct tree is
        # made an object of its source first, to be copied in one call rather than item by item
        if source is self.pdf:
            return obj
        return self.pdf.copy_foreign(obj if obj.is_indirect else source.make_indirect(obj))

    def _adopt(self, source: pikepdf.Pdf, pages: list) -> None:
        # each tree is copied whole, in one call: copying any structure element copies all the
        # others too (through its parent), so nothing more is copied than leaf by leaf
        offset = self.next_key
        root = _struct_root(source)
        if root is not None:
            if PREPARED in root:
                del root[PREPARED]
            root = self._copy(source, root)
            pairs = [(int(k), v) for k, v in _leaves(root.ParentTree)] if "/ParentTree" in root else []
            self.parent_tree += [(key + offset, value) for key, value in pairs]
            self.next_key = offset + (max((k for k, _ in pairs), default=-1) + 1)
            for page in pages:
                if "/StructParents" in page.obj:
                    page.obj.StructParents = int(page.obj.StructParents) + offset
                for annotation in page.obj.get("/Annots", []):
                    if "/StructParent" in annotation:
                        annotation.StructParent = int(annotation.StructParent) + offset
            for document in struct_kids(root):
                self._adopt_document(document)
        names = source.Root.get("/Names")
        if names is not None and "/Dests" in names:
            for name, destination in _leaves(self._copy(source, names.Dests), "/Names"):
                # a later piece holds the real anchor of a name the contents only stood in for
                self.destinations[bytes(name)] = destination
        if (outlines := source.Root.get("/Outlines")) is not None:
            self.outline += _outline_items(self._copy(source, outlines))

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

    def finish(self) -> pikepdf.Pdf:
        pdf = self.pdf
        root = _struct_root(pdf)
        if root is not None and self.document is not None:
            # the pieces are pruned below the Document's kids: only a kid left empty remains
            kids = struct_kids(self.document)
            kept = [kid for kid in kids if not _is_element(kid) or struct_kids(kid)]
            if len(kept) != len(kids):
                self.document.K = pikepdf.Array(kept)
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
                 date: _dt.date | None = None, contents: Contents | None = None) -> MergedPdf:
    """Join ``pieces`` in order and number the pages from ``first_number`` (a section built
    alone keeps its numbers in the full report) out of ``total`` (default: this document's).
    ``archival``: the pieces are PDF/A-3u; the result also declares PDF/UA-1 and carries
    ``attachments`` (dated ``date``) as associated files. ``contents``: the page numbers to write
    over the placeholders of the first piece (:mod:`.contents`)."""
    _LAST_MERGE.clear()
    merger = _Merger()
    numbers: list[int | None] = []
    section_pages: dict[str, int] = {}
    opened, prefixes = [], set()
    for piece in pieces:
        pdf = pikepdf.open(io.BytesIO(piece.data))
        if (root := _struct_root(pdf)) is not None:
            if PREPARED not in root:
                prepare(pdf, piece_prefix(pdf, piece.data))  # laid out by the caller, not by tasks.lay_out
            if (prefix := bytes(root[PREPARED])) in prefixes:  # the same piece twice: its IDs once more
                _prefix_ids(root, b"%d-" % len(opened))
            prefixes.add(prefix)
        if contents is not None and not opened:
            fill_contents(pdf, contents.pages, rgb_triplet(contents.colour))
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
    if archival:
        declare_pdfua(merged)
        attach(merged, list(attachments), date or _dt.date(1980, 1, 1))
    buffer = io.BytesIO()
    # a document id derived from the content (not the time): the same inputs give the same bytes
    merged.save(buffer, deterministic_id=True, compress_streams=True,
                object_stream_mode=pikepdf.ObjectStreamMode.generate)
    for pdf in opened:
        pdf.close()
    _LAST_MERGE.extend(opened)
    return MergedPdf(buffer.getvalue(), len(numbers), section_pages)

