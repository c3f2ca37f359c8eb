"""Command line: a thin shell over :mod:`reportgen.api` that parses options and prints.

Exit codes: 0 success, 2 invalid input (one line per problem, no traceback), 1 internal error.
"""

from __future__ import annotations

import signal
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


def _terminate(signum, frame) -> None:  # noqa: ARG001 - signal handler signature
    raise KeyboardInterrupt  # unwinds like Ctrl-C: temporary files are removed, outputs untouched


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportgen")
def main() -> None:
    """reportgen turns an administration's yearly performance data into its
    Relazione sulla Performance (D.Lgs. 150/2009, art. 10): an A4 PDF and an editable
    PowerPoint deck, with every figure computed from the data.

    A project is a folder with report.yaml, data/ (tables and their schemas) and
    text/ (the narrative of each section). See docs/project-format.md.
    """
    signal.signal(signal.SIGTERM, _terminate)


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
    result = _run(lambda: run_build(project, out=out, formats=formats, section=section, progress=progress))
    for check in result.failed_checks:
        click.echo(f"warning: {check}", err=True)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    for path in result.outputs:
        click.echo(str(path))


def _run(action):
    """Run an API call, turning user errors into one line each (exit 2) and bugs into exit 1."""
    try:
        return action()
    except KeyboardInterrupt:
        click.echo("interrupted: no output was replaced.", err=True)
        sys.exit(130)
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


@main.group()
def snapshot() -> None:
    """Snapshot testing of the rendered pages, for CI.

    'update' stores a PNG per page of the A4 and slide PDFs; 'check' renders again and
    compares every page with its snapshot, matched by section (an inserted section is new
    pages, not a cascade of mismatches). Tolerances and masks: SNAPDIR/snapshot.yaml.
    """


_DIR = click.option("--dir", "snapdir", type=click.Path(file_okay=False, path_type=Path),
                    help="Where the snapshots are. Default: PROJECT/snapshots.")


@snapshot.command("update")
@click.argument("project", type=click.Path(file_okay=False, path_type=Path))
@_DIR
@click.option("--dpi", default=50, show_default=True, type=click.IntRange(10, 300),
              help="Resolution of the stored pages (check uses the same).")
@click.option("--format", "-f", "formats", default="pdf,slides", show_default=True, metavar="LIST",
              help="Which PDFs to snapshot: pdf, slides.")
@click.option("--section", "-s", metavar="ID", help="Snapshot only this section (with its subsections).")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
def snapshot_update(project: Path, snapdir: Path | None, dpi: int, formats: str, section: str | None,
                    quiet: bool) -> None:
    """Render PROJECT and store its pages as the reference snapshots."""
    from .snapshot import OUTPUTS, update

    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    if not chosen or any(f not in OUTPUTS for f in chosen):
        _fail_input([InputError(f"--format: use {', '.join(OUTPUTS)}")])
    target = snapdir or project / "snapshots"
    progress = None if quiet else (lambda stage: click.echo(f"… {stage}", err=True))
    counts = _run(lambda: update(project, target, dpi, chosen, section, progress))
    for output, count in counts.items():
        click.echo(f"{output}: {count} pages stored in {target / output}")


@snapshot.command("check")
@click.argument("project", type=click.Path(file_okay=False, path_type=Path))
@_DIR
@click.option("--report", "report_dir", default="output/snapshot-report", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Where the HTML summary and the diff images are written.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the pages that differ.")
def snapshot_check(project: Path, snapdir: Path | None, report_dir: Path, quiet: bool) -> None:
    """Render PROJECT and compare every page with its snapshot.

    Exit code 0 when every page matches, 1 when a page changed beyond its tolerance or pages
    were added or removed, 2 on an error (invalid project, no snapshots).
    """
    from .snapshot import check, write_report

    target = snapdir or project / "snapshots"
    progress = None if quiet else (lambda stage: click.echo(f"… {stage}", err=True))
    report = _run(lambda: check(project, target, progress))
    for result in report.results:
        if result.failed or not quiet:
            match = "" if result.match is None else f"{result.match:8.3f} %".replace(".", ",")
            limit = f" (tolerance {result.tolerance:g} %)".replace(".", ",") if result.status == "changed" else ""
            click.echo(f"{result.output:6} {result.key:40} {match:>11}  {result.status.upper()}{limit}")
    summary = write_report(report, report_dir)
    failed = len(report.failures)
    click.echo(f"{len(report.results) - failed} pages match, {failed} differ; summary: {summary}")
    sys.exit(report.exit_code)


@main.command()
@click.argument("projects", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--rev", "revisions", multiple=True, metavar="REV",
              help="Compare git revisions of one PROJECT: --rev OLD [--rev NEW]; without a second "
                   "--rev, OLD is compared with the working tree.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write a self-contained HTML report for reviewers.")
@click.option("--json", "json_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the changes as JSON.")
@click.option("--pages/--no-pages", default=True, show_default=True,
              help="Render both drafts and compare their A4 pages (matched by section).")
@click.option("--section", "-s", metavar="ID", help="Compare the pages of this section only.")
@click.option("--dpi", default=50, show_default=True, type=click.IntRange(10, 300),
              help="Resolution of the page comparison.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary of changes.")
def diff(projects: tuple[Path, ...], revisions: tuple[str, ...], html_file: Path | None, json_file: Path | None,
         pages: bool, section: str | None, dpi: int, quiet: bool) -> None:
    """Show what changed between two drafts: OLD NEW (two project folders), or one
    PROJECT with --rev.

    Three layers, named by the report's structure (section › table › row › column): the
    figures (changed inputs, and every derived figure that changed with them, linked to its
    cause; rows added or removed; targets now met or missed), the narrative (word by word),
    the pages (matched by section, so an inserted page does not mark the rest); plus changes
    to report.yaml. Exit code 0 when nothing changed, 1 when something did, 2 on error.
    """
    from .diff import diff_projects, diff_revisions
    from .diff.output import html_report, summary_lines
    from .output import write_atomic

    progress = None if quiet else (lambda stage: click.echo(f"… {stage}", err=True))
    options = {"pages": pages, "section": section, "dpi": dpi, "progress": progress}
    if revisions:
        if len(projects) != 1 or len(revisions) > 2:
            _fail_input([InputError("with --rev give one PROJECT and one or two revisions")])
        report = _run(lambda: diff_revisions(projects[0], revisions[0], revisions[1] if len(revisions) > 1 else None,
                                             **options))
    else:
        if len(projects) != 2:
            _fail_input([InputError("give two project folders (OLD NEW), or one with --rev")])
        report = _run(lambda: diff_projects(projects[0], projects[1], **options))
    for line in summary_lines(report):
        click.echo(line)
    if html_file:
        write_atomic(html_file, html_report(report).encode("utf-8"))
    if json_file:
        import json

        write_atomic(json_file, json.dumps(report.to_json(), indent=1, ensure_ascii=False).encode("utf-8"))
    sys.exit(report.exit_code)


if __name__ == "__main__":  # pragma: no cover
    main()
