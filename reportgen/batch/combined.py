"""The combined PDF of a batch (every card, a bookmark each), written from cached pieces.

Copying 499 cards into one document with pikepdf re-reads and re-numbers every card at each
batch (7-10 s), even when one card changed. Here each card becomes a *piece* once: its pages
and everything they reach, serialised as they are (streams copied raw, not recompressed) with
object numbers from a base of its own, the number of the combined page tree for the pages'
parent. The combined file is the pieces one after the other, then the catalog, the page tree,
the outline and a cross-reference table: after one card changed, one piece is made again and
the rest is copying bytes.

A unit's base is fixed by its place in the units table and a stride (the largest piece's
object count, rounded up to a power of two), so the file is the same bytes whatever the
pieces were made by an earlier batch or now. The cross-reference table lists only the numbers
used (one subsection per piece). The cards' structure trees, named destinations and outlines
stay out, as with pikepdf's ``add_pages_from``: a card's contents links point at its pages
by reference, which the piece keeps.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..output import write_atomic

HEADER = b"%PDF-1.7\n%\xbf\xf7\xa2\xfe\n"
CATALOG, PAGES, OUTLINES = 1, 2, 3  # the combined file's own objects; its bookmarks follow
MIN_STRIDE = 64
# a literal string (qpdf escapes every parenthesis in it), a hex string, or a reference
_TOKEN = re.compile(rb"\((?:\\.|[^\\()])*\)|<[0-9A-Fa-f\s]*>|(?<![\w.+-])(\d+) (\d+) R\b", re.S)
_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")


@dataclass(slots=True)
class Piece:
    base: int
    body: bytes  # "N 0 obj … endobj" for N from base, in order
    offsets: list[int]  # of each object in body
    pages: list[int]  # the object numbers of the card's pages, in order

    @property
    def objects(self) -> int:
        return len(self.offsets)


def make_piece(card: bytes, base: int) -> Piece:
    """The pages of the PDF ``card`` and all they reach, numbered from ``base``."""
    import pikepdf

    with pikepdf.open(io.BytesIO(card)) as pdf:
        # what a piece must not copy: the card's page tree nodes stand for the combined one,
        # its catalog and structure tree are left out (a reference to them becomes null)
        mapped: dict[tuple[int, int], int | None] = {pdf.Root.objgen: None}
        inherited: dict[str, object] = {}

        def tree(node) -> None:
            mapped[node.objgen] = PAGES
            for key in _INHERITED:
                if key in node and key not in inherited:
                    inherited[key] = node[key]
            for kid in node.get("/Kids", ()):
                if kid.get("/Type") == "/Pages":
                    tree(kid)

        tree(pdf.Root.Pages)
        if "/StructTreeRoot" in pdf.Root and pdf.Root.StructTreeRoot.is_indirect:
            mapped[pdf.Root.StructTreeRoot.objgen] = None
        pages = [page.obj for page in pdf.pages]
        for page in pages:  # what a page inherits from the card's tree goes into the page
            for key, value in inherited.items():
                if key not in page:
                    page[key] = value
        numbers: dict[tuple[int, int], int] = {}
        queue: list[tuple[int, int]] = []

        def number(objgen: tuple[int, int]) -> int:
            if objgen not in numbers:
                numbers[objgen] = base + len(numbers)
                queue.append(objgen)
            return numbers[objgen]

        def reference(match: re.Match) -> bytes:
            if match.group(1) is None:
                return match.group(0)
            objgen = (int(match.group(1)), int(match.group(2)))
            if objgen in mapped:
                target = mapped[objgen]
                return b"null" if target is None else b"%d 0 R" % target
            return b"%d 0 R" % number(objgen)

        for page in pages:
            number(page.objgen)
        body, offsets = io.BytesIO(), []
        for objgen in queue:  # grows while it is read: breadth first from the pages
            obj = pdf.get_object(objgen)
            raw = None
            if isinstance(obj, pikepdf.Stream):
                raw = obj.read_raw_bytes()
                obj.stream_dict.Length = len(raw)  # direct: an indirect length would be one more object
                text = obj.stream_dict.unparse(resolved=True)
            else:
                text = obj.unparse(resolved=True)
            offsets.append(body.tell())
            body.write(b"%d 0 obj\n" % numbers[objgen])
            body.write(_TOKEN.sub(reference, text))
            if raw is not None:
                body.write(b"\nstream\n")
                body.write(raw)
                body.write(b"\nendstream")
            body.write(b"\nendobj\n")
        return Piece(base, body.getvalue(), offsets, [numbers[p.objgen] for p in pages])


class Pieces:
    """The pieces of the cards, kept in ``folder`` (one file per unit) between batches, or
    made each time without one."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self._heads: dict[str, tuple[dict, bytes] | None] = {}

    def get(self, unit: str, card: Path, sha: str, base: int) -> Piece:
        cached = self._read(unit, sha, base)
        if cached is not None:
            return cached
        piece = make_piece(card.read_bytes(), base)
        if self.folder is not None:
            head = {"card": sha, "base": base, "offsets": piece.offsets, "pages": piece.pages}
            write_atomic(self.folder / f"{unit}.piece", json.dumps(head).encode("ascii") + b"\n" + piece.body,
                         durable=False)
            self._heads[unit] = (head, piece.body)
        return piece

    def objects(self, unit: str, sha: str) -> int | None:
        """The object count of the unit's cached piece of this card (at any base)."""
        head = self._head(unit)
        return len(head[0]["offsets"]) if head and head[0].get("card") == sha else None

    def keep(self, units: set[str]) -> None:
        if self.folder is not None and self.folder.is_dir():
            for path in self.folder.glob("*.piece"):
                if path.stem not in units:
                    path.unlink(missing_ok=True)

    def _head(self, unit: str) -> tuple[dict, bytes] | None:
        if self.folder is None:
            return None
        if unit not in self._heads:  # read once: combine() asks for the object count first
            try:
                data = (self.folder / f"{unit}.piece").read_bytes()
                cut = data.index(b"\n")
                head = json.loads(data[:cut])
            except (OSError, ValueError):
                head = None
            self._heads[unit] = (head, data[cut + 1:]) if isinstance(head, dict) else None
        return self._heads[unit]

    def _read(self, unit: str, sha: str, base: int) -> Piece | None:
        found = self._head(unit)
        if found is None:
            return None
        head, body = found
        if head.get("card") != sha or head.get("base") != base:
            return None
        offsets, pages = head.get("offsets"), head.get("pages")
        if not (isinstance(offsets, list) and isinstance(pages, list) and offsets and offsets[-1] < len(body)):
            return None
        return Piece(base, body, offsets, pages)


def stride_for(largest: int) -> int:
    stride = MIN_STRIDE
    while stride < largest:
        stride *= 2
    return stride


def combine(cards: list[tuple[str, int, Path, str]], places: int, pieces: Pieces) -> bytes:
    """The combined PDF of ``cards`` (title, place in the units table, card file, its SHA-256),
    in that order; ``places``: how many units the table has."""
    first = OUTLINES + 1 + places  # the bookmarks take the numbers below the first base
    known = [pieces.objects(Path(path).stem, sha) for _, _, path, sha in cards]
    stride = stride_for(max((k for k in known if k is not None), default=0))
    while True:
        made = [pieces.get(Path(path).stem, path, sha, first + place * stride) for _, place, path, sha in cards]
        needed = stride_for(max((p.objects for p in made), default=0))
        if needed == stride:  # else a new card has more objects than the stride: every base moves
            break
        stride = needed
    return _write([(title, piece) for (title, *_), piece in zip(cards, made, strict=True)])


def _write(cards: list[tuple[str, Piece]]) -> bytes:
    import pikepdf

    out = io.BytesIO()
    out.write(HEADER)
    at: dict[int, int] = {}
    for _, piece in cards:
        start = out.tell()
        out.write(piece.body)
        at.update((piece.base + i, start + offset) for i, offset in enumerate(piece.offsets))

    def put(number: int, text: bytes) -> None:
        at[number] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, text))

    kids = [n for _, piece in cards for n in piece.pages]
    bookmarks = [OUTLINES + 1 + i for i in range(len(cards))]
    put(CATALOG, b"<< /Type /Catalog /Pages %d 0 R /Outlines %d 0 R /PageMode /UseOutlines >>" % (PAGES, OUTLINES))
    put(PAGES, b"<< /Type /Pages /Count %d /Kids [%s] >>" % (len(kids), b" ".join(b"%d 0 R" % k for k in kids)))
    ends = b" /First %d 0 R /Last %d 0 R" % (bookmarks[0], bookmarks[-1]) if bookmarks else b""
    put(OUTLINES, b"<< /Type /Outlines /Count %d%s >>" % (len(bookmarks), ends))
    for i, ((title, piece), number) in enumerate(zip(cards, bookmarks, strict=True)):
        links = (b" /Prev %d 0 R" % bookmarks[i - 1] if i else b"") + \
                (b" /Next %d 0 R" % bookmarks[i + 1] if i + 1 < len(bookmarks) else b"")
        page = b"%d 0 R" % piece.pages[0] if piece.pages else b"null"
        put(number, b"<< /Title %s /Parent %d 0 R%s /Dest [%s /Fit] >>"
            % (pikepdf.String(title).unparse(), OUTLINES, links, page))
    xref = out.tell()
    numbers = sorted(at)
    lines = [b"xref\n0 1\n0000000000 65535 f \n"]
    start = 0
    while start < len(numbers):  # a subsection per run of consecutive numbers
        end = start
        while end + 1 < len(numbers) and numbers[end + 1] == numbers[end] + 1:
            end += 1
        lines.append(b"%d %d\n" % (numbers[start], end - start + 1))
        lines.extend(b"%010d 00000 n \n" % at[n] for n in numbers[start:end + 1])
        start = end + 1
    out.write(b"".join(lines))
    ident = hashlib.md5(out.getbuffer(), usedforsecurity=False).hexdigest().encode("ascii")
    out.write(b"trailer\n<< /Size %d /Root %d 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n"
              % (numbers[-1] + 1, CATALOG, ident, ident, xref))
    return out.getvalue()
