"""``reportgen proof``: every page of every output on contact sheets, with the layout problems
found on them listed by page.

The project is built (A4 PDF, slide PDF, deck); the deck is converted to PDF by LibreOffice
when ``soffice`` is installed (as many offices open it), else left out with a note. Each PDF
is read back with pdfium (:mod:`.pages`): what is drawn where, not what the templates meant to
draw. The sheets (:mod:`.sheet`) are PNG files, the problems a list; any problem makes the
command exit 1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from ..errors import ReportgenError
from .pages import Problem, check_pdf
from .sheet import contact_sheets

__all__ = ["Problem", "ProofResult", "check_pdf", "deck_to_pdf", "proof_project"]

LIBREOFFICE_TIMEOUT = 900  # seconds: a 200-slide deck takes a minute or two on a busy machine


class ConversionFailed(ReportgenError):
    """LibreOffice did not turn the deck into a PDF."""


@dataclass
class ProofResult:
    sheets: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.problems else 0


def _fontconfig_with(folder: Path, where: Path) -> dict[str, str]:
    """The environment of a process that sees the machine's fonts and those in ``folder``, as
    on a computer where they were installed."""
    conf = where / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
                    f'  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
                    f'  <dir>{escape(str(folder.resolve()))}</dir>\n'
                    f'  <cachedir>{escape(str(where / "cache"))}</cachedir>\n</fontconfig>\n', encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def deck_to_pdf(deck: Path, out: Path, fonts: Path | None = None) -> Path | None:
    """The deck as LibreOffice Impress prints it (None without LibreOffice). A private user
    profile keeps the conversion from touching, or waiting on, the user's own. With ``fonts``
    (a folder), LibreOffice also has those fonts, as where they were installed: LibreOffice
    before 24.8 does not read the fonts a PPTX embeds, so without them it shows a substitute."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="reportgen-lo-") as profile:
        env = _fontconfig_with(fonts, Path(profile)) if fonts is not None else None
        try:
            subprocess.run([soffice, f"-env:UserInstallation={(Path(profile) / 'user').as_uri()}", "--headless",
                            "--convert-to", "pdf", "--outdir", str(out), str(deck)],
                           check=True, capture_output=True, timeout=LIBREOFFICE_TIMEOUT, env=env)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise ConversionFailed(f"LibreOffice could not convert {deck.name}: {exc}") from None
    converted = out / f"{deck.stem}.pdf"
    if not converted.exists():
        raise ConversionFailed(f"LibreOffice wrote no PDF for {deck.name}")
    return converted


def proof_project(project: str | Path, out: str | Path = "output/proof", jobs: int | None = None,
                  deck: bool = True, progress: Callable[[str], None] | None = None) -> ProofResult:
    """Build PROJECT into ``OUT/build``, check every page and write the contact sheets to OUT."""
    from ..api import build

    out = Path(out)
    formats = "pdf,slides,pptx" if deck else "pdf,slides"
    built = build(project, out / "build", formats=formats, jobs=jobs, progress=progress)
    result = ProofResult()
    for path in sorted(built.outputs):
        if path.suffix == ".pdf":
            kind = "slides" if path.stem.endswith("-slides") else "a4"
            pdf, label = path, path.name
        elif path.suffix == ".pptx":
            if progress:
                progress(f"converting {path.name} with LibreOffice")
            pdf = deck_to_pdf(path, out / "deck")
            if pdf is None:
                result.notes.append(f"{path.name} not checked: LibreOffice (soffice) is not installed")
                continue
            kind, label = "deck", path.name
        else:
            continue
        if progress:
            progress(f"checking {label}")
        problems = check_pdf(pdf, kind, label)
        result.problems.extend(problems)
        result.sheets.extend(contact_sheets(pdf, out, label, {p.page for p in problems}))
    report = out / "problems.txt"
    report.write_text("".join(f"{p}\n" for p in result.problems) or "no problems found\n", encoding="utf-8")
    return result
