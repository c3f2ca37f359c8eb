#!/usr/bin/env python3
"""Whether two builds give the same outputs, as a refactoring promises: every page of every PDF
renders pixel-identical and every XML part of every deck is equal.

    python scripts/same-outputs.py OLD_DIR NEW_DIR [--dpi 72]

Compares the files both folders hold (`*.pdf`, `*.pptx`); exits 1 listing what differs.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

import pypdfium2 as pdfium


def _pages(path: Path, dpi: int) -> list[bytes]:
    pdf = pdfium.PdfDocument(path)
    try:
        return [pdf[i].render(scale=dpi / 72).to_pil().tobytes() for i in range(len(pdf))]
    finally:
        pdf.close()


def compare_pdf(old: Path, new: Path, dpi: int) -> list[str]:
    a, b = _pages(old, dpi), _pages(new, dpi)
    problems = [f"{new.name}: {len(a)} pages before, {len(b)} now"] if len(a) != len(b) else []
    problems += [f"{new.name}: page {i} differs" for i, (x, y) in enumerate(zip(a, b), 1) if x != y]
    return problems


def compare_pptx(old: Path, new: Path) -> list[str]:
    with zipfile.ZipFile(old) as za, zipfile.ZipFile(new) as zb:
        a = {n: za.read(n) for n in za.namelist()}
        b = {n: zb.read(n) for n in zb.namelist()}
    problems = [f"{new.name}: part {n} only before" for n in sorted(a.keys() - b.keys())]
    problems += [f"{new.name}: part {n} only now" for n in sorted(b.keys() - a.keys())]
    problems += [f"{new.name}: part {n} differs" for n in sorted(a.keys() & b.keys()) if a[n] != b[n]]
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--dpi", type=int, default=72)
    args = parser.parse_args()
    problems, compared = [], 0
    for old in sorted(args.old.iterdir()):
        new = args.new / old.name
        if old.suffix not in (".pdf", ".pptx") or not new.is_file():
            continue
        compared += 1
        problems += compare_pdf(old, new, args.dpi) if old.suffix == ".pdf" else compare_pptx(old, new)
    for line in problems:
        print(line)
    print(f"{compared} files compared, {len(problems)} differences")
    return 1 if problems or not compared else 0


if __name__ == "__main__":
    sys.exit(main())
