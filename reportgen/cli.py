"""Command line: a thin shell over :mod:`reportgen.api` that parses options and prints.

Exit codes: 0 success, 2 invalid input (one line per problem, no traceback), 1 internal error.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import click

from . import __version__
from .errors import InputError, InputErrors, ReportgenError


def _fail_input(errors: list[InputError]) -> None:
    for error in errors:
        click.echo(f"error: {error}", err=True)
    count = len(errors)
    click.echo(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportgen")
def main() -> None:
    """reportgen turns an administration's yearly performance data into its
    Relazione sulla Performance (D.Lgs. 150/2009, art. 10): an A4 PDF and an editable
    PowerPoint deck, with every figure computed from the data.

    A project is a folder with report.yaml, data/ (tables and their schemas) and
    text/ (the narrative of each section). See docs/project-format.md.
    """


@main.command()
@click.argument("project", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", "-o", default="output", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder the outputs are written to (created if missing).")
@click.option("--format", "-f", "formats", metavar="LIST",
              help="Comma-separated outputs to build: pdf (A4), pptx (editable deck), slides (16:9 "
                   "slide-format PDF, NAME-slides.pdf). Default: the 'outputs' of report.yaml (pdf and pptx "
                   "when not set).")
@click.option("--section", "-s", metavar="ID",
              help="Build only this section (with its subsections), into NAME-ID.pdf / .pptx; "
                   "its numbering is the one it has in the full report.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the paths written, warnings and errors.")
def build(project: Path, out: Path, formats: str | None, section: str | None, quiet: bool) -> None:
    """Validate PROJECT, compute its figures and write the report.

    Every problem in the project (configuration, tables, narrative) is reported at once
    with its file, row and column, and nothing is written (exit code 2). Published figures
    declared as check values that differ from the computed ones are reported as warnings.
    Files are replaced atomically: a failed build leaves earlier outputs untouched.
    """
    from .api import build as run_build

    progress = None if quiet else (lambda stage: click.echo(f"… {stage}", err=True))
    try:
        result = run_build(project, out=out, formats=formats, section=section, progress=progress)
    except InputErrors as exc:
        _fail_input(exc.errors)
    except InputError as exc:
        _fail_input([exc])
    except ReportgenError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except Exception:  # a bug: say so, with the traceback for the report
        click.echo("internal error: reportgen failed unexpectedly; please report this with the traceback below.",
                   err=True)
        traceback.print_exc()
        sys.exit(1)
    for check in result.failed_checks:
        click.echo(f"warning: {check}", err=True)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    for path in result.outputs:
        click.echo(str(path))


if __name__ == "__main__":  # pragma: no cover
    main()
