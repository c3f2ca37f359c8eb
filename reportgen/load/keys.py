"""Every key of ``report.yaml`` and of a table schema, declared once: type, default, a one-line
doc and an example.

The parsers (``config.py``, ``schema.py``, ``blocks.py``) take their defaults and their sets of
allowed keys from here, and the reference part of ``docs/project-format.md`` is generated from
here (``python -m reportgen.load.reference --write docs/project-format.md``), so that a key, its
default and its documentation cannot drift apart. The derivation operations and their
parameters are declared in ``operations.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .values import COLUMN_TYPES

REQUIRED = object()  # a key without default: leaving it out is an error

# What a project is: the Relazione sulla Performance (checked against the DFP guidelines and
# what the OIV validates), or a shorter document such as a key-numbers abstract, which the OIV
# does not validate (only its figures are checked).
DOCUMENTS = ("relazione", "abstract")
FORMATS = ("pdf", "pptx", "slides")  # A4 PDF, PowerPoint deck, 16:9 slide-format PDF
# standard: tagged PDF/UA-1; archival: PDF/A-3u and PDF/UA-1 in one file, with the tables attached
PDF_PROFILES = ("standard", "archival")
CHART_KINDS = ("pie", "donut", "bar", "hbar", "trend", "stacked")
# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
DEFAULT_PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")

# The parts of a Relazione expected by the DFP "Linee guida per la Relazione annuale sulla
# performance" n. 3/2018 (and, for the bilancio di genere, art. 10 D.Lgs. 150/2009), by the id
# report.yaml gives them under ``dfp:``.
DFP_PARTS = {
    "principali-risultati": "Principali risultati",
    "contesto-risorse": "Contesto e risorse",
    "performance-organizzativa": "Performance organizzativa",
    "performance-individuale": "Performance individuale",
    "processo-misurazione": "Processo di misurazione e valutazione",
    "bilancio-genere": "Bilancio di genere",
}

SCHEMA_SUFFIX = ".schema.yaml"
NUMBERING_STYLES = ("decimal", "roman", "parte", "letter", "none")  # see reportgen.content.numbering


@dataclass(frozen=True, slots=True)
class Key:
    name: str
    type: str  # as the reference names it: text, line, name, names, integer, boolean, date, colour, ...
    doc: str
    default: Any = None  # REQUIRED, or the value taken when the key is left out
    example: str = ""
    default_doc: str = ""  # the default in words, when it depends on the project
    choices: tuple[str, ...] = ()  # the values a "choice" key accepts

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


@dataclass(frozen=True, slots=True)
class Group:
    """The keys of one mapping: ``path`` is where it sits (``style.colors``, ``sections[]``)."""

    path: str
    doc: str
    keys: tuple[Key, ...]
    file: str = "report.yaml"

    @property
    def names(self) -> frozenset[str]:
        return frozenset(k.name for k in self.keys)

    def __getitem__(self, name: str) -> Key:
        return next(k for k in self.keys if k.name == name)

    def default(self, name: str) -> Any:
        value = self[name].default
        if value is REQUIRED:
            raise KeyError(f"{self.path}.{name} is required: it has no default")
        return value


def _group(path: str, doc: str, *keys: Key, file: str = "report.yaml") -> Group:
    return Group(path, doc, keys, file)


def _one_of(values) -> str:
    return "one of " + ", ".join(f"`{v}`" for v in values)


REPORT = _group(
    "", "the top level of report.yaml",
    Key("administration", "line", "the administration publishing the report", REQUIRED,
        "Istituto Nazionale della Previdenza Sociale"),
    Key("year", "integer", "the year reported on", REQUIRED, "2024"),
    Key("title", "line", "the document title (cover, metadata, running heads)", REQUIRED,
        "Relazione sulla Performance 2024"),
    Key("subtitle", "text", "shown under the title on the cover", None,
        "Redatta in attuazione dell'art. 10, comma 1, lett. b) del D.Lgs. n. 150/2009"),
    Key("name", "line", "output file names: letters, digits, `.`, `-` and `_`", None, "relazione-2024",
        "the folder name"),
    Key("locale", "line", "language and formats of numbers and dates (a Babel locale)", "it_IT", "it_IT"),
    Key("document", "choice", "what the project is; an abstract is not validated by the OIV, so `check` "
        "verifies only its figures", "relazione", "abstract", choices=DOCUMENTS),
    Key("document_date", "date", "the date written in the PDF metadata and the open data", None, "2025-06-05",
        "the approval date"),
    Key("protocol", "line", "the document's protocol number, on the cover, the title slide and in the metadata",
        None, "INPS.0001.23/02/2024.0012345"),
    Key("outputs", "names", f"the files `build` writes, each {_one_of(FORMATS)} (`slides`: the 16:9 slide PDF)",
        ("pdf", "pptx"), "[pdf, pptx, slides]"),
    Key("approval", "mapping", "the act approving the report, shown on the cover (see `approval`)", None,
        example="{body: Consiglio di Amministrazione, act: Deliberazione n. 89, date: 2025-06-05}"),
    Key("validation", "mapping", "the OIV's validation act (see `validation`)", None,
        example="{body: OIV, act: Documento di validazione n. 3, date: 2025-06-27}"),
    Key("style", "mapping", "how numbers and colours look (see `style`)", None,
        example="{percent_space: true, numbering: decimal}"),
    Key("data", "mapping", "how data files are read (see `data`)", None,
        example="{decimal_mark: ','}"),
    Key("pdf", "mapping", "the A4 PDF (see `pdf`)", None,
        example="{profile: archival}"),
    Key("open_data", "mapping", "the open data export (see `open_data`)", None,
        example="{license: CC-BY-4.0}"),
    Key("repeat", "mapping", "one document per row of a table of units, each built from that unit's rows "
        "(see `repeat`)", None, "{table: units, id: id, title: nome, column: unit}"),
    Key("dfp", "mapping", "DFP part → the ids of the sections covering it, or `{not_applicable: REASON}`; "
        f"parts: {_one_of(DFP_PARTS)}", None, "{bilancio-genere: {not_applicable: …}}"),
    Key("sections", "list", "the sections, in order (see `sections[]`); at least one", REQUIRED,
        example="[{id: premessa, title: Premessa}]"),
)

APPROVAL = _group(
    "approval", "the act approving the Relazione",
    Key("body", "text", "who adopted it", None, "Consiglio di Amministrazione"),
    Key("act", "text", "the act and its number", None, "Deliberazione n. 89"),
    Key("date", "date", "when (YYYY-MM-DD)", None, "2025-06-05"),
)

VALIDATION = _group(
    "validation", "the OIV's act validating the Relazione (art. 14, c. 4, lett. c, D.Lgs. 150/2009)",
    Key("body", "text", "the OIV or Nucleo di valutazione", None, "Nucleo di valutazione"),
    Key("act", "text", "the act and its number", None, "Documento di validazione n. 2/2025"),
    Key("date", "date", "when (YYYY-MM-DD)", None, "2025-06-26"),
)

STYLE = _group(
    "style", "how numbers and colours look",
    Key("percent_space", "boolean", "a space between a number and `%` (`9,56 %`, else `9,56%`)", True, "false"),
    Key("currency_position", "choice", "the euro sign before (`prefix`: `€ 1.234,56`) or after (`suffix`) "
        "the amount", "prefix", "suffix", choices=("prefix", "suffix")),
    Key("colors", "mapping", "the theme colours (see `style.colors`)", None, '{primary: "#0b4f8a"}'),
    Key("palette", "colours", "chart series colours, `#rrggbb` each; the default is the colour-blind-safe "
        "Okabe–Ito palette", DEFAULT_PALETTE, '["#0072B2", "#E69F00"]'),
    Key("logo", "path", "a picture inside the project, shown on the cover", None, "assets/logo.png"),
    Key("emblem", "path", "the emblem (of the Republic, of the region…), a picture inside the project, shown on "
        "the cover beside the logo", None, "assets/emblema.png"),
    Key("pptx_template", "path", "a corporate .pptx inside the project: the deck uses its masters and layouts",
        None, "assets/modello.pptx"),
    Key("missing", "line", "what a figure without a value prints (a rolled-forward draft: `n.d.`, visibly "
        "still to fill in)", "–", '"n.d."'),
    Key("numbering", "names", "the numbering style of each level of sections, the last repeated below it: "
        + _one_of(NUMBERING_STYLES) + "; decimal levels join (`1.2`) below a Parte", ("decimal",),
        "[parte, decimal, decimal]"),
)

COLORS = _group(
    "style.colors", "the theme colours, `#rrggbb` each",
    Key("primary", "colour", "headings, table headers, cover", "#0b4f8a", '"#0b4f8a"'),
    Key("accent", "colour", "highlights", "#c0392b", '"#c0392b"'),
    Key("text", "colour", "body text", "#1a1a1a", '"#1a1a1a"'),
    Key("muted", "colour", "notes and secondary text", "#5b6670", '"#5b6670"'),
)

DATA = _group(
    "data", "how data files are read",
    Key("decimal_mark", "choice", "how `1.234` is read: `,` (Italian: a thousands separator) or `.`", ",", '"."',
        choices=(",", ".")),
)

PDF = _group(
    "pdf", "the A4 PDF",
    Key("profile", "choice", "tagged PDF/UA-1 (`standard`), or PDF/A-3u and PDF/UA-1 with every table attached "
        "as CSV (`archival`); `--pdf-profile` overrides it", "standard", "archival", choices=PDF_PROFILES),
)

REPEAT = _group(
    "repeat", "one document per unit (`reportgen build` writes OUT/NAME/UNIT.pdf, `index.csv` and one combined PDF): "
    "every table with the `column` keeps only the unit's rows before anything is computed, the others are "
    "shared; titles and narratives name the unit as `{{ unit.COLUMN }}`",
    Key("table", "name", "the table listing the units, one row each", REQUIRED, "units"),
    Key("id", "name", "its column of unit ids (file names, `--only`)", "id", "id"),
    Key("title", "name", "its column naming the unit (bookmarks of the combined PDF, the index)", "nome", "nome"),
    Key("column", "name", "the column, in the other tables, holding the unit id of each row", "unit", "unit"),
    Key("banner_when", "mapping", "column → value of the units table: a unit whose row has them all gets the "
        "`banner`", None, "{sintetico: si}"),
    Key("banner", "line", "printed at the top of the first section of those units' documents", None,
        '"Dati sintetici"'),
)

OPEN_DATA = _group(
    "open_data", "the open data export (`reportgen export`)",
    Key("license", "licence", "an SPDX identifier (`CC-BY-4.0`, `CC0-1.0`, `CC-BY-SA-4.0`) or "
        "`{name, path, title}`", "CC-BY-4.0", "CC0-1.0"),
    Key("url", "url", "where the tables are published (http:// or https://), named on the contents page",
        None, "https://www.example.it/amministrazione-trasparente/dati", "the export folder"),
)

LICENSE = _group(
    "open_data.license", "a licence not known by its identifier",
    Key("name", "line", "its identifier", REQUIRED, "IODL-2.0"),
    Key("path", "text", "the address of its text", None, "https://www.dati.gov.it/iodl/2.0/"),
    Key("title", "line", "its full name", None, "Italian Open Data License v2.0"),
)

DFP_PART = _group(
    "dfp.PART", "a part of the DFP guidelines that does not apply",
    Key("not_applicable", "text", "why the part does not apply (not empty)", REQUIRED,
        example="Il bilancio di genere è pubblicato a parte"),
)

SECTION = _group(
    "sections[]", "a section of the report; nest sections with `sections`",
    Key("id", "id", "lowercase letters, digits, `-` and `_`; unique in the report", REQUIRED, "premessa"),
    Key("title", "line", "the section heading", REQUIRED, "Premessa"),
    Key("blocks", "list", "what the section shows, in order (see the block kinds)", None,
        "[{text: text/premessa.md}]", "`[{text: text/ID.md}]`"),
    Key("sections", "list", "subsections, each a `sections[]` entry", None,
        example="[{id: ieep, title: IEEP, blocks: [{table: ieep}]}]"),
    Key("numbered", "boolean", "`false`: no number, and not counted (a Presentazione, a Sommario)", True, "false"),
    Key("note", "text", "a footnote to the heading: a `*` on the heading, the note at the end of the section's "
        "own blocks", None, '"Dati provvisori al 31 gennaio."'),
)

TEXT_BLOCK = _group(
    "blocks[] text", "narrative: a Markdown file of the project",
    Key("text", "path", "the Markdown file, relative to the project", REQUIRED, "text/ieep.md"),
)

TABLE_BLOCK = _group(
    "blocks[] table", "a table of the project, as printed",
    Key("table", "id", "the table id (`data/ID.schema.yaml`)", REQUIRED, "ieep"),
    Key("columns", "names", "the columns shown, in order", None, "[voce, obiettivo, consuntivo]",
        "the schema's `display.columns`, else every column"),
    Key("title", "line", "the printed title", None, "IEEP 2024", "the schema's `title`"),
    Key("group_by", "name", "group rows under header rows, by this column", None, "regione",
        "the schema's `display.group_by`"),
    Key("group_titles", "text", "`table.column`: a group's heading adds that table's column (the row whose "
        "id is the group value)", None, "lgg.titolo"),
    Key("merge_repeats", "names", "columns whose value repeated on consecutive rows prints once", (),
        "[sottoambito]", "the schema's `display.merge_repeats`"),
    Key("where", "mapping", "show only data rows whose column matches a glob pattern, and only the totals "
        "of the rows shown", (), '{motivazione: "?*"}'),
    Key("split_columns", "integer", "a table too wide for the page: printed as several tables of at most "
        "this many columns each, the label column repeated in each", None, "6"),
    Key("transpose", "boolean", "rows become columns (a table of many years or regions read down the page)",
        False, "true"),
)

KPI_BLOCK = _group(
    "blocks[] kpi", "key figures, each a `kpi[]` entry",
    Key("kpi", "list", "the figures, in order", REQUIRED,
        example="[{figure: ieep.totale.consuntivo, label: IEEP}]"),
)

KPI_ITEM = _group(
    "kpi[]", "one key figure, optionally with a comparison",
    Key("figure", "ref", "the figure, `table.row.column`", REQUIRED, "valore_pubblico.istituto.valore"),
    Key("label", "text", "what it is", REQUIRED, "Valore Pubblico"),
    Key("compare", "ref", "a figure it is compared with, `table.row.column`", None,
        "flussi.riscossioni.variazione_2022"),
    Key("compare_label", "text", "what the comparison is", "obiettivo", "rispetto al 2022"),
)

SIGNATURE_BLOCK = _group(
    "blocks[] signature", "the closing of a document: place, date and who signs it",
    Key("signature", "mapping", "the signature (see `signature`)", REQUIRED,
        example="{place: Roma, signatories: [{role: Il Presidente}]}"),
)

SIGNATURE = _group(
    "signature", "place, date and signatories, printed at the end of the section",
    Key("place", "line", "where it is signed", None, "Roma"),
    Key("date", "date", "when, YYYY-MM-DD", None, "2024-02-23", "the document date"),
    Key("signatories", "list", "who signs: `{role, name}` each, in order", REQUIRED,
        '[{role: "Il Direttore generale", name: "Mario Rossi"}]'),
)

SIGNATORY = _group(
    "signatories[]", "one signatory",
    Key("role", "line", "the office, printed above the name", REQUIRED, "Il Commissario straordinario"),
    Key("name", "line", "the name", None, "Mario Rossi"),
)

CHART_BLOCK = _group(
    "blocks[] chart", "a chart of one table, in the PDF (SVG) and in the deck (a native chart)",
    Key("chart", "mapping", "the chart (see `chart`)", REQUIRED,
        example="{kind: bar, table: ieep, labels: voce, values: [consuntivo]}"),
)

CHART = _group(
    "chart", "a chart: `labels` + `values` (rows are categories) or `x` + `series_rows` (columns are categories)",
    Key("kind", "choice", "pie, donut, bar (vertical), hbar (horizontal), trend (lines), stacked", REQUIRED, "hbar",
        choices=CHART_KINDS),
    Key("table", "id", "the table drawn", REQUIRED, "pndd"),
    Key("title", "line", "the chart title", None, "Giudizi sussidiati", "the table title"),
    Key("labels", "name", "rows are the categories, named by this column …", None, "struttura"),
    Key("values", "names", "… and each of these columns is a series", (), "[obiettivo, consuntivo]"),
    Key("x", "names", "or: these columns are the categories …", (), "[forecast_1, consuntivo]"),
    Key("series_rows", "names", "… and these rows (ids) the series", (), "[redditivita]"),
    Key("rows", "names", "exactly these rows (ids), in this order", (), "[toscana, marche]"),
    Key("where", "mapping", "keep data rows whose column matches a glob pattern", (), '{provincia: "*(DR)"}'),
    Key("sort", "choice", "ascending or descending, by the first series", None, "desc", "the table's order",
        choices=("asc", "desc")),
    Key("reference", "mapping", "a reference line (see `chart.reference`)", None,
        example="{label: Obiettivo, column: obiettivo}"),
    Key("size", "choice", "`full` width, or `half` (two side by side)", "full", "half", choices=("full", "half")),
)

REFERENCE = _group(
    "chart.reference", "a reference line: a figure, or each row's own value of a column",
    Key("figure", "ref", "`table.row.column`", None, "pndd.totale.scostamento"),
    Key("column", "name", "a column of each row (its own target); give this or `figure`", None, "obiettivo"),
    Key("label", "text", "its legend", "Obiettivo", "Totale"),
)

SCHEMA = _group(
    "", "the top level of a table schema",
    Key("title", "line", "the table title", REQUIRED,
        "Indicatore di Efficacia Economico-Finanziaria della Produzione (IEEP)"),
    Key("description", "text", "what the table holds, for its authors (not printed)", None,
        "Indicatori di bilancio del Piano Budget"),
    Key("note", "text", "printed under the table", None, '"Fonte: Piano Budget"'),
    Key("key", "names", "the column(s) whose value names each row (unique)", (), "voce", "rows `r1`, `r2`…"),
    Key("label_column", "name", "where total rows write their label", None, "voce", "the first text column"),
    Key("columns", "mapping", "input columns, in display order: name → column (see `columns.NAME`)",
        REQUIRED, example="{voce: {type: text}, consuntivo: {type: euro, required: true}}"),
    Key("source", "mapping", "a derived table: `{table: other}` starts from that table's data rows", None,
        "{table: obiettivi}"),
    Key("derive", "list", "derivations, applied in order (see `derive[]`)", (),
        example="[{op: total, columns: {consuntivo: sum}}]"),
    Key("checks", "list", "published figures compared with the computed ones (see `checks[]`)", (),
        example="[{row: totale, column: consuntivo, published: '85,47'}]"),
    Key("display", "mapping", "how table blocks show it by default (see `display`)", None,
        example="{group_by: area, mark_subtracted: totals}"),
    Key("file", "path", "the data file", None, "data/ieep_2024.xlsx", "`data/ID.csv` or `data/ID.xlsx`"),
    Key("sheet", "text", "the XLSX sheet", None, "IEEP", "the first sheet"),
    Key("header_rows", "integer", "header rows of the data file, 1 to 5 (a title over several columns, "
        "then names)", 1, "2"),
    Key("notes", "list", "footnotes to rows or cells (see `notes[]`); a `note` column of the data "
        "adds one to its row", (), example="[{row: medici, text: Compresi i medici convenzionati.}]"),
    Key("fonte", "line", "where the data come from, printed `Fonte: …` under the table", None,
        "Direzione centrale Risorse umane"),
    Key("row_decimals", "name", "an integer column giving the decimals of each row's numbers, typed or "
        "computed (a column that mixes 138, 100,6 and 100,09)", None, "decimali", "the column's decimals"),
    Key("owner", "line", "the directorate that supplies the table: `reportgen workbook --owner` gives it only "
        "its tables", None, "DC Risorse umane"),
    file="data/ID.schema.yaml",
)

COLUMN = _group(
    "columns.NAME", "an input column (or a computed one, with `computed: true`)",
    Key("type", "choice", "what it holds (see the column types)", "text", "euro", choices=tuple(sorted(COLUMN_TYPES))),
    Key("label", "line", "the column header", None, "Obiettivo 2024", "the name, capitalised, `_` as spaces"),
    Key("required", "boolean", "every data row has a value", False, "true"),
    Key("header", "names", "the header spellings accepted in the data file", (), '["Obiettivo 2024"]',
        "the name, in any case"),
    Key("decimals", "integer", "printed decimals", None, "1", "as typed in the data"),
    Key("unit", "line", "shown in the header", None, "giorni"),
    Key("choices", "names", "the values of a `choice` column", (), "[alta, media, bassa]"),
    Key("default", "value", "the value of empty cells, written like the data", None, "100"),
    Key("dash", "choice", "what a lone `-` is: no value, or zero (any other word: no value)", "missing", "zero",
        choices=("missing", "zero")),
    Key("signed", "boolean", "printed with `+` when positive", False, "true"),
    Key("computed", "boolean", "a column a derivation computes: sets its label or decimals, and accepts "
        "typed values for rows without operands", False, "true"),
    Key("note", "text", "a footnote to the column's header (a numbered marker, the text under the table)",
        None, '"Al 31 dicembre."'),
    Key("group", "line", "a heading over several consecutive columns (a two-level header)", None, '"2024"'),
    file="data/ID.schema.yaml",
)

NOTE = _group(
    "notes[]", "a footnote: a marker on the row's label, or on one cell, and its text under the table",
    Key("row", "id", "the row id", REQUIRED, "medici"),
    Key("column", "name", "the cell's column", None, "presenti", "none: the row's label"),
    Key("text", "text", "the note", REQUIRED, '"Compresi i medici convenzionati."'),
    file="data/ID.schema.yaml",
)

SOURCE = _group(
    "source", "where a derived table starts from",
    Key("table", "id", "the table whose data rows (after its derivations) it starts from", None, "obiettivi"),
    file="data/ID.schema.yaml",
)

DISPLAY = _group(
    "display", "defaults of the table blocks that show this table",
    Key("columns", "names", "the columns shown, in order", None, "[voce, obiettivo, consuntivo, scostamento]",
        "every column"),
    Key("group_by", "name", "group rows under header rows, by this column", None, "area"),
    Key("merge_repeats", "names", "columns whose value repeated on consecutive rows prints once", None,
        "[ambito]"),
    Key("mark_subtracted", "choice", "print the label of rows the total subtracts (`sign: -`) with `(-)`: "
        "every row (`true`), data `rows` or `totals` only; their amounts print positive", None, "totals",
        "no mark", choices=("true", "rows", "totals")),
    file="data/ID.schema.yaml",
)

DERIVATION = _group(
    "derive[]", "one derivation: `op` and its parameters (see the operations)",
    Key("op", "choice", "the operation", REQUIRED, "scostamento"),
    Key("where", "mapping", "apply only to rows whose column has this value", (), "{tipo: obiettivo}"),
    Key("label", "line", "the header of the column it creates", None, "Scostamento", "the column name"),
    file="data/ID.schema.yaml",
)

LEVEL = _group(
    "levels[]", "a level of subtotal rows of `total`; the first is the outermost",
    Key("by", "name", "the grouping column", None, "area", "none: the grand total"),
    Key("label", "line", "the row label; `{column}` is the group's value", None, '"Totale {area}"',
        '`Totale`, or `{BY}`'),
    Key("position", "choice", "before or after the group's rows", "after", "before", choices=("before", "after")),
    Key("min_rows", "integer", "groups with fewer data rows get no subtotal", 1, "2"),
    file="data/ID.schema.yaml",
)

CHECK = _group(
    "checks[]", "a figure the source prints, compared with the computed one at build time",
    Key("row", "id", "the row id", REQUIRED, "ieep_accertato"),
    Key("column", "name", "the column", REQUIRED, "consuntivo"),
    Key("published", "text", "the figure as the source prints it", REQUIRED, '"6.418.930.625,60"'),
    Key("tolerance", "number", "allowed difference, in the printed unit (points for percentages)", None,
        "0.01", "half a unit of the last printed digit"),
    file="data/ID.schema.yaml",
)

REPORT_GROUPS = (REPORT, APPROVAL, VALIDATION, STYLE, COLORS, DATA, PDF, REPEAT, OPEN_DATA, LICENSE, DFP_PART, SECTION)
SCHEMA_GROUPS = (SCHEMA, COLUMN, NOTE, SOURCE, DISPLAY, DERIVATION, LEVEL, CHECK)
