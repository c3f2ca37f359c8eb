"""Command line: a thin shell over :mod:`reportgen.api` that parses options and prints.

Exit codes: 0 success, 2 invalid input (one line per problem, no traceback), 1 internal error.
"""

from __future__ import annotations

import signal
import sys
import traceback
from decimal import Decimal
from pathlib import Path

import click

from . import __version__
from .errors import InputError, InputErrors, NotReady, ReportgenError
from .messages import DEFAULT_LANGUAGE, LANGUAGES, localize

# The language of the lines printed for the user (--lang, REPORTGEN_LANG): the stages raise English
# messages, translated here, at the last moment, line by line (reportgen/messages.py).
_lang = DEFAULT_LANGUAGE

_OWN = {  # the CLI's own texts: English, Italian
    "error": ("error", "errore"),
    "warning": ("warning", "avviso"),
    "not ready": ("not ready", "non pronto"),
    "note": ("note", "nota"),
    "problems": ("{count} problems found; nothing was written.",
                 "{count} problemi trovati; nessun file è stato scritto."),
    "one problem": ("1 problem found; nothing was written.", "1 problema trovato; nessun file è stato scritto."),
    "interrupted": ("interrupted: no output was replaced.", "interrotto: nessun file è stato sostituito."),
    "internal": ("internal error: reportgen failed unexpectedly; please report this with the traceback below.",
                 "errore interno: reportgen si è interrotto in modo inatteso; segnalatelo allegando il "
                 "traceback qui sotto."),
    "up to date": ("Nothing changed since the last build: the files are up to date.",
                   "Nulla è cambiato dall'ultima compilazione: i file sono aggiornati."),
    "reused": ("{rendered} piece(s) rendered, {reused} reused from the cache.",
               "{rendered} parti impaginate, {reused} riprese dalla cache."),
    "strict": ("{count} finding(s) of 'reportgen check'; with --strict nothing was written.",
               "{count} rilievi di 'reportgen check'; con --strict nessun file è stato scritto."),
    "findings": ("{count} findings.", "{count} rilievi."),
    "one finding": ("1 finding.", "1 rilievo."),
    "no findings": ("No findings.", "Nessun rilievo."),
    "stored": ("{output}: {count} pages stored in {target}", "{output}: {count} pagine salvate in {target}"),
    "pages match": ("{match} pages match, {differ} differ; summary: {summary}",
                    "{match} pagine uguali, {differ} diverse; riepilogo: {summary}"),
    "removed": ("… Removed {path} (no longer in the report)", "… Rimosso {path} (non è più nella Relazione)"),
    "tolerance": (" (tolerance {value} %)", " (tolleranza {value} %)"),
    "cards interrupted": ("interrupted: the cards written so far are complete (no partial file); build again to "
                          "make the others.", "interrotto: le schede già scritte sono complete (nessun file a metà); "
                          "ricompilate per fare le altre."),
    "card rate": (" in {seconds} s ({rate}/s)", " in {seconds} s ({rate}/s)"),
    "cards made": ("{made} card(s) made{rate}, {reused} unchanged, {failed} failed.",
                   "{made} schede fatte{rate}, {reused} invariate, {failed} non riuscite."),
    "cards failed": ("{count} card(s) failed: {units}; the other cards were written.",
                     "{count} schede non riuscite: {units}; le altre schede sono state scritte."),
    "cards failed strict": ("{count} card(s) failed: {units}; nothing was written (--strict).",
                            "{count} schede non riuscite: {units}; nessun file è stato scritto (--strict)."),
}


def _number(value: float, decimals: int) -> str:
    """A measured quantity as the chosen language writes it (1,5 in Italian)."""
    if _lang == "en":
        return f"{value:.{decimals}f}"
    from .formatting import Formatter  # Babel: only when a number is printed

    return Formatter().number(Decimal(repr(value)), decimals)


def _text(key: str, **parts) -> str:
    english, italian = _OWN[key]
    return (english if _lang == "en" else italian).format(**parts)


def _words(text: str) -> str:
    """A stage's name, a message: in the chosen language."""
    return localize(text, _lang)


def _say(line: str, err: bool = False, kind: str | None = None) -> None:
    """Print one line for the user, in the chosen language; ``kind`` (error, warning…) prefixes it."""
    text = localize(str(line), _lang)
    click.echo(f"{_text(kind)}: {text}" if kind else text, err=err)


def _fail_input(errors: list[InputError]) -> None:
    for error in errors:
        _say(str(error), err=True, kind="error")
    count = len(errors)
    _say(_text("one problem") if count == 1 else _text("problems", count=count), err=True)
    sys.exit(2)


def _terminate(signum, frame) -> None:  # noqa: ARG001 - signal handler signature
    raise KeyboardInterrupt  # unwinds like Ctrl-C: temporary files are removed, outputs untouched


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportgen")
@click.option("--lang", type=click.Choice(LANGUAGES), envvar="REPORTGEN_LANG", default=DEFAULT_LANGUAGE,
              show_default=True, help="Language of the messages: it (Italian) or en (English, the originals). "
                                      "Also REPORTGEN_LANG.")
def main(lang: str) -> None:
    """reportgen turns an administration's yearly performance data into its
    Relazione sulla Performance (D.Lgs. 150/2009, art. 10): an A4 PDF and an editable
    PowerPoint deck, with every figure computed from the data.

    A project is a folder with report.yaml, data/ (tables and their schemas) and
    text/ (the narrative of each section). See docs/project-format.md.
    """
    global _lang
    _lang = lang
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
@click.option("--jobs", "-j", type=click.IntRange(1, 64), metavar="N",
              help="Worker processes rendering in parallel. Default: the number of cores.")
@click.option("--cache/--no-cache", default=True, show_default=True,
              help="Reuse the pieces of earlier builds kept in OUT/.reportgen/cache (each keyed on "
                   "everything it is made from), and return at once when no input changed.")
@click.option("--pdf-profile", type=click.Choice(["standard", "archival"]),
              help="standard: tagged PDF/UA-1. archival: PDF/A-3u and PDF/UA-1 in one file, every table "
                   "attached as CSV. Default: pdf.profile of report.yaml (standard).")
@click.option("--strict", is_flag=True,
              help="Refuse to build when 'reportgen check' has findings (for the published version). "
                   "A project with repeat: writes no card unless every card is made.")
@click.option("--only", metavar="ID[,ID…]", help="A project with repeat: build these units' cards only.")
@click.option("--cluster", metavar="tcp://HOST:8786", envvar="REPORTGEN_CLUSTER",
              help="A project with repeat: make the cards on this Dask scheduler's workers (needs "
                   "reportgen[cluster]) instead of local processes. Default: $REPORTGEN_CLUSTER.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the paths written, warnings and errors.")
def build(project: Path, out: Path, formats: str | None, section: str | None, jobs: int | None, cache: bool,
          pdf_profile: str | None, strict: bool, quiet: bool, only: str | None = None,
          cluster: str | None = None) -> None:
    """Validate PROJECT, compute its figures and write the report.

    Every problem in the project (configuration, tables, narrative) is reported at once
    with its file, row and column, and nothing is written (exit code 2). Published figures
    declared as check values that differ from the computed ones are reported as warnings.
    Files are replaced atomically: a failed build leaves earlier outputs untouched.

    Sections are laid out in parallel and cached: after editing one section's text, only
    that section is laid out again (the contents' page numbers are written in at the end).

    A project whose report.yaml says repeat: gets one card per unit (OUT/NAME/UNIT.pdf, …),
    OUT/NAME/index.csv and OUT/NAME.pdf with every card. A unit's bad data fails its card only:
    the others are written and the command exits 1 naming the failed units; with --strict
    nothing is written unless every card is made.
    """
    from .api import build as run_build
    from .batch import is_repeated
    from .console import progress_for

    if _run(lambda: is_repeated(project)):
        if section:
            _fail_input([InputError("--section: a project with repeat: is built unit by unit (--only)")])
        _build_batch(project, out, formats, jobs, cache, pdf_profile, strict, quiet, only, cluster)
        return
    if only or cluster:
        _fail_input([InputError("--only and --cluster are for a project with repeat: in report.yaml")])

    with progress_for(quiet, _words) as progress:
        result = _run(lambda: run_build(project, out=out, formats=formats, section=section, progress=progress,
                                        jobs=jobs, cache=cache, strict=strict, pdf_profile=pdf_profile))
    if result.up_to_date and not quiet:
        _say(_text("up to date"), err=True)
    elif not quiet and result.reused:
        _say(_text("reused", rendered=len(result.rendered), reused=result.reused), err=True)
    for check in result.failed_checks:
        _say(str(check), err=True, kind="warning")
    for warning in result.warnings:
        _say(warning, err=True, kind="warning")
    for path in result.outputs:
        click.echo(str(path))


def _build_batch(project: Path, out: Path, formats: str | None, jobs: int | None, cache: bool,
                 pdf_profile: str | None, strict: bool, quiet: bool, only: str | None, cluster: str | None) -> None:
    from .batch import build_batch
    from .console import progress_for

    def batch():
        try:
            return build_batch(project, out, formats, only, jobs, cache, strict, pdf_profile, cluster, progress)
        except KeyboardInterrupt:
            _say(_text("cards interrupted"), err=True)
            sys.exit(130)

    with progress_for(quiet, _words) as progress:
        result = _run(batch)
    if not quiet:
        rate = _text("card rate", seconds=_number(result.seconds, 1),
                     rate=_number(len(result.made) / result.seconds, 2)) if result.made else ""
        _say(_text("cards made", made=len(result.made), rate=rate, reused=len(result.reused),
                   failed=len(result.failed)), err=True)
    for note in result.notes:
        _say(note, err=True, kind="warning")
    for path in result.outputs:
        click.echo(str(path))
    if result.failed:
        for why in result.failed.values():
            _say(why, err=True, kind="error")
        _say(_text("cards failed strict" if strict else "cards failed", count=len(result.failed),
                   units=", ".join(result.failed)), err=True)
        sys.exit(1)


def _run(action):
    """Run an API call, turning user errors into one line each (exit 2) and bugs into exit 1."""
    try:
        return action()
    except KeyboardInterrupt:
        _say(_text("interrupted"), err=True)
        sys.exit(130)
    except InputErrors as exc:
        _fail_input(exc.errors)
    except InputError as exc:
        _fail_input([exc])
    except NotReady as exc:
        for finding in exc.findings:
            _say(str(finding), err=True, kind="not ready")
        _say(_text("strict", count=len(exc.findings)), err=True)
        sys.exit(exc.exit_code)
    except ReportgenError as exc:
        _say(str(exc), err=True, kind="error")
        sys.exit(exc.exit_code)
    except Exception:  # a bug: say so, with the traceback for the report
        _say(_text("internal"), err=True)
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
    progress = None if quiet else (lambda stage: click.echo(f"… {_words(stage)}", err=True))
    counts = _run(lambda: update(project, target, dpi, chosen, section, progress))
    for output, count in counts.items():
        _say(_text("stored", output=output, count=count, target=target / output))


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
    progress = None if quiet else (lambda stage: click.echo(f"… {_words(stage)}", err=True))
    report = _run(lambda: check(project, target, progress))
    for result in report.results:
        if result.failed or not quiet:
            match = "" if result.match is None else f"{result.match:8.3f} %".replace(".", ",")
            limit = _text("tolerance", value=f"{result.tolerance:g}".replace(".", ",")) \
                if result.status == "changed" else ""
            click.echo(f"{result.output:6} {result.key:40} {match:>11}  {result.status.upper()}{limit}")
    summary = write_report(report, report_dir)
    failed = len(report.failures)
    _say(_text("pages match", match=len(report.results) - failed, differ=failed, summary=summary))
    sys.exit(report.exit_code)


@main.command("export")
@click.argument("project", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", "-o", default="output", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="The export goes to OUT/NAME-data/ (NAME: the project's output name).")
@click.option("--quiet", "-q", is_flag=True, help="Print only the paths written, warnings and errors.")
def export_command(project: Path, out: Path, quiet: bool) -> None:
    """Write every table of PROJECT's report as open data (D.Lgs. 33/2013 art. 7), into
    OUT/NAME-data/:

    \b
      SECTION--TABLE.csv  each printed table: same rows, columns and headers, full precision;
                          UTF-8, comma separator, dot decimal mark, ISO dates, percentages in
                          points (1.88 = 1,88 %), plus tipo_riga (dato/subtotale/totale), id_riga
      NAME.xlsx           the same tables, one sheet each, after an index sheet
      datapackage.json    Frictionless tabular data package: fields, types, units, licence
                          (open_data.license in report.yaml, default CC-BY-4.0)

    Files are replaced atomically (a failed export leaves the previous ones intact); a file
    an earlier export wrote and this one does not, such as the CSV of a table no longer in
    the report, is deleted; any other file in the folder is left alone. Same inputs, same bytes.
    """
    from .export import export_project

    progress = None if quiet else (lambda stage: click.echo(f"… {_words(stage)}", err=True))
    result = _run(lambda: export_project(project, out=out, progress=progress))
    for warning in result.warnings:
        _say(warning, err=True, kind="warning")
    if not quiet:
        for path in result.removed:
            _say(_text("removed", path=path), err=True)
    for path in result.files:
        click.echo(str(path))


@main.command()
@click.argument("project", type=click.Path(file_okay=False, path_type=Path))
@click.option("--todo/--no-todo", "with_todo", default=None,
              help="Also list what a draft still needs, by section: empty cells (table, row, column), texts "
                   "marked as draft, charts without data. Default: when a text is marked as draft "
                   "(a project made by 'reportgen new --from').")
def check(project: Path, with_todo: bool | None) -> None:
    """Check that PROJECT is ready for the OIV's validation, before the OIV does.

    One line per finding, with its file (and row, column or key): parts of the DFP guidelines
    n. 3/2018 that no section covers (dfp: in report.yaml, or not_applicable: REASON); the act
    adopting the Relazione or the OIV validation act missing (number, date); adopted or validated
    after 30 June of the following year; targets the engine finds missed without a motivazione
    dello scostamento; check values that differ from the computed figures. A report.yaml with
    'document: abstract' is checked for its figures only.

    Exit code 0 when there is nothing to fix, 1 when there are findings, 2 on invalid input.
    """
    from .batch import is_repeated
    from .batch.check import check_units
    from .readiness import check_project

    # a project with repeat: is checked card by card, each finding naming its unit
    report = _run(lambda: (check_units if is_repeated(project) else check_project)(project, with_todo))
    for finding in report.findings:
        _say(str(finding))
    if report.todo:
        items = sum(len(found) for _, found in report.todo)
        click.echo(f"Da completare (bozza): {items} voci in {len(report.todo)} sezioni")
        for section, found in report.todo:
            click.echo(section)
            for finding in found:
                click.echo(f"  {finding}")
    count = len(report.findings)
    if count:
        _say(_text("one finding") if count == 1 else _text("findings", count=count), err=True)
    else:
        _say(_text("no findings"), err=True)
    sys.exit(report.exit_code)


@main.command()
@click.argument("project", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--port", "-p", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on; 0 picks a free one.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on. On 127.0.0.1 only this computer can open the preview; any other "
                   "address shows the draft and its data files to the network (a warning is printed).")
@click.option("--open/--no-open", "open_browser", default=None,
              help="Open the preview in the web browser. Default: when run in a terminal.")
def preview(project: Path, port: int, host: str, open_browser: bool | None) -> None:
    """Serve PROJECT as a live HTML preview while drafting.

    The page is the HTML the A4 PDF is made from (sections, tables, charts in the house
    style) with a screen stylesheet. It is rebuilt whenever a file of the project is saved
    (report.yaml, data/, text/, templates/, images), and the open page reloads by itself and
    keeps its place; charts are redrawn only when what they show changed. Problems in the
    project are listed on the page with their file, row and column until they are fixed.
    Prints the URL; Ctrl-C stops.
    """
    from .preview import serve

    if open_browser is None:
        open_browser = sys.stdout.isatty()
    _run(lambda: serve(project, host=host, port=port, open_browser=open_browser,
                       log=lambda line: click.echo(line, err=True), ready=click.echo))


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

    progress = None if quiet else (lambda stage: click.echo(f"… {_words(stage)}", err=True))
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


# -- Authoring (issue 16): messages in Italian, for the office staff who use these commands ------


def _run_it(action):
    """:func:`_run` with the user's errors in Italian: one line each, then exit 2."""
    def italian():
        try:
            return action()
        except (InputErrors, InputError) as exc:
            errors = exc.errors if isinstance(exc, InputErrors) else [exc]
            for error in errors:
                click.echo(f"errore: {localize(str(error))}", err=True)  # written in Italian; any English left, too
            count = len(errors)
            click.echo(f"{count} problem{'i' if count != 1 else 'a'}: nessun file è stato modificato.", err=True)
            sys.exit(2)
    return _run(italian)


@main.command("new")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@click.option("--from", "source", type=click.Path(file_okay=False, path_type=Path), metavar="PROGETTO",
              help="Il progetto dell'anno scorso: stesse sezioni, tabelle, grafici e testi, l'anno che avanza.")
@click.option("--year", type=click.IntRange(1900, 2999), help="L'anno della nuova Relazione (default: l'anno dopo).")
def new_command(target: Path, source: Path | None, year: int | None) -> None:
    """Crea un nuovo progetto in TARGET (una cartella nuova o vuota).

    Con --from PROGETTO: la Relazione dell'anno dopo. L'anno avanza in titoli, etichette e nomi
    di colonna; le colonne dell'anno precedente ricevono i consuntivi dell'anno scorso; le cifre
    dell'anno sono vuote (stampate "n.d."); i testi restano, segnati come bozza. Si compila
    subito; 'reportgen check TARGET' elenca cosa manca. Senza --from: un progetto minimo con una
    tabella, un grafico e un testo, ogni chiave spiegata nei commenti.
    """
    from .authoring import new_project

    for line in _run_it(lambda: new_project(target, source, year)):
        click.echo(line)


@main.command("workbook")
@click.argument("project", type=click.Path(file_okay=False, path_type=Path))
@click.option("--owner", metavar="NOME", help="Solo le tabelle di questa struttura (owner: nello schema).")
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.xlsx",
              help="Il file da scrivere. Default: NOME-dati.xlsx (NOME-OWNER-dati.xlsx con --owner).")
@click.option("--due", metavar="DATA", help="Entro quando restituirlo compilato (scritto nel foglio Istruzioni).")
def workbook_command(project: Path, owner: str | None, out: Path | None, due: str | None) -> None:
    """Scrive la cartella di lavoro Excel da far compilare: un foglio per tabella, con etichette
    e unità, i valori già noti, le celle da compilare in giallo, elenchi per polarità e scelte,
    formati numerici italiani e un foglio di istruzioni. Le colonne calcolate non ci sono: le
    calcola reportgen. Si rilegge con 'reportgen collect'.
    """
    from .authoring import write_workbook

    for line in _run_it(lambda: write_workbook(project, out, owner, due)):
        click.echo(line)


@main.command("collect")
@click.argument("project", type=click.Path(file_okay=False, path_type=Path))
@click.argument("workbooks", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def collect_command(project: Path, workbooks: tuple[Path, ...]) -> None:
    """Riporta nel progetto i dati delle cartelle di lavoro compilate (scritte da 'reportgen
    workbook'). Ogni cella è controllata come nella compilazione della Relazione; ogni problema
    è una riga con cartella, foglio e cella, e in quel caso nessun file cambia (uscita 2).
    Altrimenti i file CSV cambiati sono sostituiti e si elencano le cifre cambiate.
    """
    from .authoring import collect_workbooks

    for line in _run_it(lambda: collect_workbooks(project, workbooks)):
        click.echo(line)


@main.command("init")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@click.option("--from-workbook", "workbook", required=True, type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE.xlsx", help="La cartella di lavoro da cui partire.")
@click.option("--year", type=click.IntRange(1900, 2999),
              help="L'anno della Relazione (default: l'anno più citato nelle intestazioni).")
def init_command(target: Path, workbook: Path, year: int | None) -> None:
    """Crea un progetto in TARGET da una cartella di lavoro esistente: una tabella e una sezione
    per foglio; tipi, unità e decimali ricavati da celle e formati numerici; righe «Totale»
    riconosciute (il totale lo calcola reportgen, il valore stampato diventa un controllo);
    identificativi ricavati dalle etichette. Stampa cosa ha ricavato e cosa no.
    """
    from .authoring import init_from_workbook

    for line in _run_it(lambda: init_from_workbook(target, workbook, year)):
        click.echo(line)


if __name__ == "__main__":  # pragma: no cover
    main()


@main.command()
@click.argument("project", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", "-o", default="output/proof", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Contact sheets (PNG) and problems.txt go here; the outputs checked in OUT/build.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), metavar="N", help="Worker processes for the build.")
@click.option("--no-deck", is_flag=True, help="Leave the deck out (it needs LibreOffice and a minute or two).")
def proof(project: Path, out: Path, jobs: int | None, no_deck: bool) -> None:
    """Build PROJECT and show every page of every output on contact sheets, listing the layout
    problems found (overlapping text, text outside the page, near-empty pages, chart text
    under 14 pt on slides) by page. The deck is checked as LibreOffice prints it, when
    LibreOffice is installed. Exit 1 when there is any problem."""
    from .proof import proof_project

    result = _run(lambda: proof_project(project, out, jobs=jobs, deck=not no_deck,
                                        progress=lambda stage: click.echo(f"… {_words(stage)}", err=True)))
    for note in result.notes:
        _say(note, err=True, kind="note")
    for problem in result.problems:
        click.echo(f"{problem.output} p. {problem.page}: {_words(problem.kind)}: {_words(problem.detail)}")
    for sheet in result.sheets:
        click.echo(f"… {sheet}", err=True)
    _say(f"{len(result.problems)} problem(s); contact sheets in {out}", err=True)
    sys.exit(result.exit_code)
