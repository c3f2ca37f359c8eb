"""The user's messages as the user reads them: numbers as the report prints them, and the
language of the lines the CLI prints.

Every stage raises English messages with a location (they are also what a program or a log
reads); the CLI applies :func:`localize` to each error and warning line it prints. Italian
is the default, ``--lang en`` (or ``REPORTGEN_LANG=en``) prints the originals. The
catalogue maps the pattern of an English message to its Italian template, the variable parts
(names, values, nested messages) kept; a message it does not know stays English.

A shared helper (rank 0): it imports nothing of reportgen but the formatting.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from .formatting import Formatter

LANGUAGES = ("it", "en")
DEFAULT_LANGUAGE = "it"


def printed_like(value: Decimal, decimals: int | None, percent: bool = False, currency: bool = False) -> str:
    """``value`` written the way the source prints a figure with ``decimals`` decimals (Italian
    marks, rounded half-up), so that a reader compares like with like."""
    text = Formatter().number(value, decimals or 0)
    if percent:
        text += " %"
    return f"€ {text}" if currency else text


def localize(line: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """One printed line (``location: message``, or a message alone) in ``lang``."""
    if lang == "en" or not line:
        return line
    return _italian(line)


def translate(message: str) -> str | None:
    """The Italian of one message without its location, or None when the catalogue lacks it."""
    if message in _EXACT:
        return _EXACT[message]
    for pattern, template in _compiled():
        match = pattern.fullmatch(message)
        if match is None:
            continue
        parts = {name: _nested(value) for name, value in match.groupdict().items()}
        if "message" in parts and parts["message"] is None:
            continue  # a frame around a message the catalogue lacks: the whole stays English
        return template.format(**{name: match.group(name) if value is None else value
                                  for name, value in parts.items()})
    return None


def _nested(value: str) -> str | None:
    # a variable part may itself be a message ("columns.x.type: <message>"), translated in turn
    return translate(value) if " " in value else None


@lru_cache(maxsize=4096)
def _italian(line: str) -> str:
    # "location: message": the location is the part before the first ": " that reads as one;
    # looked for first, so that a pattern starting with a variable part never swallows it
    start = 0
    while (cut := line.find(": ", start)) != -1:
        head, tail = line[:cut], line[cut + 2:]
        where = _location(head)
        if where is not None:
            found = translate(tail)
            return f"{where}: {tail if found is None else found}"
        start = cut + 2
    whole = translate(line)
    return line if whole is None else whole


_LOCATION_PART = re.compile(r"(?:sheet '(?P<sheet>[^']*)'|row (?P<row>\d+)|column '(?P<column>[^']*)'|"
                            r"line (?P<line>\d+))")
_FILE = re.compile(r"[^\s:,][^:,]*\.(?:ya?ml|csv|xlsx|xlsm|md|markdown|txt|json|svg|png|jpe?g|pdf|pptx)|report\.yaml")


def _location(text: str) -> str | None:
    """The Italian of a :class:`~reportgen.errors.Location` printed as text, or None."""
    parts = text.split(", ")
    if not _FILE.fullmatch(parts[0]):
        return None
    out = [parts[0]]
    for part in parts[1:]:
        match = _LOCATION_PART.fullmatch(part)
        if match is None:
            return None
        kind = match.lastgroup
        value = match.group(kind)
        out.append({"sheet": f"foglio '{value}'", "row": f"riga {value}", "column": f"colonna '{value}'",
                    "line": f"riga {value}"}[kind])
    return ", ".join(out)


# -- the catalogue ------------------------------------------------------------------------------
# English pattern → Italian template. In a pattern, {name} is a variable part (the shortest text
# that makes the whole message match), copied into the template, itself translated when it is a
# message the catalogue knows; {path} is a key path without spaces (columns.x.type, checks[0]), {n}
# a whole number;
# {message} must be a known message, or the pattern does not apply. Everything else is literal
# (braces around more than a name too); in a template, literal braces are doubled.

_EXACT: dict[str, str] = {
    # values (load/values.py): what a cell is, after the cell's text
    "is not a number": "non è un numero",
    "is a true/false value": "è un valore vero/falso",
    "is not a finite number": "non è un numero finito",
    "has misplaced thousands separators": "ha separatori delle migliaia fuori posto",
    "is not a polarity": "non è una polarità",
    "is not a sign": "non è un segno",
    "is not a row kind": "non è un tipo di riga",
    "is not a date": "non è una data",
    "is a percentage, but the column holds plain numbers": "è una percentuale, ma la colonna contiene numeri semplici",
    "has decimals, but the column holds whole numbers": "ha decimali, ma la colonna contiene numeri interi",
    # what a cell should be (load/values.py EXPECTED)
    "a whole number such as 1.234": "un numero intero come 1.234",
    "a number such as 1.234,56": "un numero come 1.234,56",
    "a percentage such as 9,56 or 9,56%": "una percentuale come 9,56 o 9,56%",
    "an amount such as 1.234.567,89": "un importo come 1.234.567,89",
    "a number, percentage or amount such as 1,013 or 73,33% or € 1.234,56":
        "un numero, una percentuale o un importo come 1,013 o 73,33% o € 1.234,56",
    "'higher' or 'lower' (alto/basso)": "'higher' o 'lower' (alto/basso)",
    "'+' or '-'": "'+' o '-'",
    "a date such as 2025-06-05 or 05/06/2025": "una data come 2025-06-05 o 05/06/2025",
    "'di cui' for a detail row, or empty": "'di cui' per una riga di dettaglio, o vuota",
    "a value": "un valore",
    # YAML files and keys (load/yamlspec.py)
    "file not found": "file non trovato",
    "is not UTF-8 text": "non è testo UTF-8",
    "invalid YAML: aliases nested too deep": "YAML non valido: alias annidati troppo in profondità",
    "expected a mapping of keys to values": "atteso un elenco di chiavi e valori",
    "expected a mapping": "atteso un elenco di chiavi e valori",
    "is required": "è obbligatoria",
    "expected text": "atteso un testo",
    "expected true or false": "atteso true o false",
    "expected a whole number": "atteso un numero intero",
    "expected a name or a list of names": "atteso un nome o un elenco di nomi",
    "expected a list": "atteso un elenco",
    "unknown key": "chiave sconosciuta",
    "expected a number": "atteso un numero",
    # report.yaml (load/config.py)
    "is not a folder": "non è una cartella",
    "expected a date as YYYY-MM-DD": "attesa una data come AAAA-MM-GG",
    "expected a licence identifier (e.g. CC-BY-4.0) or {name, path, title}":
        "atteso l'identificativo di una licenza (ad es. CC-BY-4.0) o {name, path, title}",
    "section ids are lowercase letters, digits, - and _":
        "gli id delle sezioni sono lettere minuscole, cifre, - e _",
    "expected a mapping of DFP part to section ids": "atteso un elenco di parti delle linee guida DFP e id di sezione",
    "give the reason why this part does not apply": "indicare perché questa parte non si applica",
    "give the ids of the sections covering it, or not_applicable: REASON":
        "indicare gli id delle sezioni che la trattano, o not_applicable: MOTIVO",
    "expected a colour as #rrggbb": "atteso un colore come #rrggbb",
    "the logo must be a file inside the project folder": "il logo deve essere un file nella cartella del progetto",
    "the template must be a .pptx file (save a .potx as .pptx)":
        "il modello deve essere un file .pptx (salvare il .potx come .pptx)",
    "expected a web address (http:// or https://)": "atteso un indirizzo web (http:// o https://)",
    "a report needs at least one section": "una Relazione ha almeno una sezione",
    "the name is used for file names: letters, digits, '.', '-' and '_'":
        "il nome è usato per i nomi dei file: lettere, cifre, '.', '-' e '_'",
    # table schemas (load/schema.py)
    "expected 'higher' or 'lower'": "atteso 'higher' o 'lower'",
    "a choice column needs 'choices'": "una colonna a scelta richiede 'choices'",
    "expected a mapping of column to aggregate (sum, mean, weighted_mean: COLUMN, count, min, max)":
        "atteso un elenco di colonne e aggregazioni (sum, mean, weighted_mean: COLONNA, count, min, max)",
    "expected 'before' or 'after'": "atteso 'before' o 'after'",
    "column names are lowercase letters, digits and _": "i nomi di colonna sono lettere minuscole, cifre e _",
    "expected a polarity column or 'higher'/'lower'": "attesa una colonna di polarità o 'higher'/'lower'",
    "expected a list of numbers": "atteso un elenco di numeri",
    "a column with outcome: false is not a target's outcome: it has no reason":
        "una colonna con outcome: false non è l'esito di un obiettivo: non ha motivazione",
    "needs one weight per column in 'of'": "serve un peso per ogni colonna di 'of'",
    "expected a mapping of column to value": "atteso un elenco di colonne e valori",
    "a table needs at least one column": "una tabella ha almeno una colonna",
    "expected a number of rows from 1 to 5": "atteso un numero di righe da 1 a 5",
    # data files (load/readers.py, load/tables.py)
    "is empty: expected a header row and data rows": "è vuoto: attese una riga di intestazione e righe di dati",
    "has no sheet": "non ha fogli",
    "at least one signatory": "serve almeno un firmatario",
    "cannot be resolved (a loop of links?)": "non si risolve (un ciclo di collegamenti?)",
    "leads outside the project folder (a link?): not read":
        "porta fuori dalla cartella del progetto (un collegamento?): non letto",
    "not found in the project": "non trovato nel progetto",
    "is a folder: cannot be replaced by the output; the previous outputs are unchanged":
        "è una cartella: non si può sostituire con il file; i file precedenti sono intatti",
    "a folder": "una cartella",
    "not a regular file": "non un file normale",
    "expected {place, date, signatories}": "atteso {place, date, signatories}",
    "expected table.row.column": "atteso tabella.riga.colonna",
    "expected table.column": "atteso tabella.colonna",
    "give either a figure (table.row.column) or a column": "indicare una cifra (tabella.riga.colonna) o una colonna",
    "give either labels + values (rows are categories) or x + series_rows (columns are categories)":
        "indicare labels + values (le righe sono le categorie) o x + series_rows (le colonne sono le categorie)",
    "is required with labels": "è obbligatoria con labels",
    "is required with x": "è obbligatoria con x",
    "expected 'asc' or 'desc'": "atteso 'asc' o 'desc'",
    "expected 'full' or 'half'": "atteso 'full' o 'half'",
    "expected a mapping of column to glob pattern": "atteso un elenco di colonne e modelli (glob)",
    "expected at least 2 columns (the label column and one more)":
        "attese almeno 2 colonne (quella delle etichette e un'altra)",
    "holds a formula whose result was not saved: open the file in Excel or LibreOffice Calc and save it again":
        "contiene una formula il cui risultato non è stato salvato: aprire il file in Excel o LibreOffice Calc "
        "e salvarlo di nuovo",
    "unsupported file type: use .csv or .xlsx": "tipo di file non gestito: usare .csv o .xlsx",
    "has a header but no data rows": "ha l'intestazione ma nessuna riga di dati",
    # arithmetic (load/expression.py)
    "only numbers, names, + - * / and parentheses are allowed":
        "sono ammessi solo numeri, nomi, + - * / e parentesi",
    "expected an arithmetic expression, e.g. 'sede * cluster / 100'":
        "attesa un'espressione aritmetica, ad es. 'sede * cluster / 100'",
    # narrative (content/narrative.py)
    "a placeholder must name a figure: {{ table.row.column }}":
        "un segnaposto deve nominare una cifra: {{ tabella.riga.colonna }}",
    "a placeholder must print a figure or text": "un segnaposto deve stampare una cifra o un testo",
    "placeholders nested too deeply": "segnaposto annidati troppo in profondità",
    "division by zero": "divisione per zero",
    # the stages of a command, as its progress lines name them
    "Reading and validating the project": "Lettura e verifica del progetto",
    "Computing the figures": "Calcolo delle cifre",
    "Assembling the content": "Composizione dei contenuti",
    "Drawing the charts": "Disegno dei grafici",
    "Laying out the A4 pages": "Impaginazione delle pagine A4",
    "Laying out the slide pages": "Impaginazione delle pagine delle slide",
    "Writing the PowerPoint deck": "Scrittura della presentazione PowerPoint",
    "Writing the files": "Scrittura dei file",
    "Exporting the tables": "Esportazione delle tabelle",
    "Reading and computing the old draft": "Lettura e calcolo della bozza precedente",
    "Reading and computing the new draft": "Lettura e calcolo della nuova bozza",
    # reportgen proof (proof/)
    "text outside the page": "testo fuori dalla pagina",
    "overlapping text": "testi sovrapposti",
    "overlapping text in a chart": "testi sovrapposti in un grafico",
    "chart text under 14 pt": "testo di grafico sotto i 14 pt",
    "near-empty page": "pagina quasi vuota",
    "titles the groups of group_by; without group_by it has no effect":
        "intitola i gruppi di group_by; senza group_by non ha effetto",
    "a transposed table has no groups nor repeated cells to merge; with transpose it has no effect":
        "una tabella trasposta non ha gruppi né celle ripetute da unire; con transpose non ha effetto",
    "the rows named by rows/series_rows are shown; with them 'where' has no effect":
        "si mostrano le righe nominate da rows/series_rows; con esse 'where' non ha effetto",
    "sorts the rows of labels + values; with x + series_rows it has no effect":
        "ordina le righe di labels + values; con x + series_rows non ha effetto",
    "summarize groups every data row; 'where' has no effect here (filter the table block instead)":
        "summarize raggruppa tutte le righe di dati; 'where' qui non ha effetto (filtrare il blocco della tabella)",
    "has no effect without 'count' (the column that counts the rows)":
        "non ha effetto senza 'count' (la colonna che conta le righe)",
    "a share of a total column is taken row by row; 'by' has no effect with 'total'":
        "la quota di una colonna di totale si calcola riga per riga; con 'total' 'by' non ha effetto",
    "a formula is a target's outcome only with 'target: N'; without it 'reason' has no effect":
        "una formula è l'esito di un obiettivo solo con 'target: N'; senza, 'reason' non ha effetto",
    # what PyYAML says most often about a file typed by hand
    "mapping values are not allowed here": "qui non può esserci un valore (manca un a capo o uno spazio dopo ':'?)",
    "mapping values are not allowed in this context":
        "qui non può esserci un valore (manca un a capo o uno spazio dopo ':'?)",
    "could not find expected ':'": "manca il ':' atteso",
    "found character '\\t' that cannot start any token": "un carattere di tabulazione: rientrare con spazi",
    "found a tab character that violates indentation": "un carattere di tabulazione: rientrare con spazi",
    "did not find expected key": "manca la chiave attesa (rientro sbagliato?)",
    "did not find expected '-' indicator": "manca il '-' atteso di un elemento dell'elenco (rientro sbagliato?)",
    "found unexpected end of stream": "il file finisce prima del previsto (una virgoletta o parentesi non chiusa?)",
    "found duplicate anchor; first occurrence": "ancora (&nome) ripetuta",
}

CATALOGUE: tuple[tuple[str, str], ...] = (
    # reportgen proof (proof/)
    ("converting {name} with LibreOffice", "conversione di {name} con LibreOffice"),
    ("checking {name}", "controllo di {name}"),
    ("{share}% full", "piena al {share}%"),
    ("{name} not checked: LibreOffice (soffice) is not installed",
     "{name} non controllato: LibreOffice (soffice) non è installato"),
    ("{count} problem(s); contact sheets in {path}", "{count} problemi; fogli di provini in {path}"),
    ("report.yaml repeats per unit (repeat:): build it with reportgen.batch.build_batch, as 'reportgen build' does",
     "report.yaml si ripete per unità (repeat:): si costruisce con reportgen.batch.build_batch, come fa "
     "'reportgen build'"),
    ("expected a mapping of column → value", "attesa una mappa colonna → valore"),
    ("banner_when needs the banner to print", "banner_when richiede il banner da stampare"),
    ("'{name}' is not an integer column of the table", "'{name}' non è una colonna di numeri interi della tabella"),
    ("'{column}': weighted_mean expects the name of the weight column",
     "'{column}': weighted_mean vuole il nome della colonna dei pesi"),
    ("has more than {count} digits", "ha più di {count} cifre"),
    ("expected a whole number from {low} to {high}", "atteso un numero intero da {low} a {high}"),
    # check values (engine/checks.py)
    ("check value of table '{table}', row '{row}', column '{column}': published {published} · computed {computed} "
     "(tolerance {tolerance})",
     "valore di controllo della tabella '{table}', riga '{row}', colonna '{column}': pubblicato {published} · "
     "calcolato {computed} (tolleranza {tolerance})"),
    ("check value of table '{table}', row '{row}', column '{column}': published {published} · computed {computed}",
     "valore di controllo della tabella '{table}', riga '{row}', colonna '{column}': pubblicato {published} · "
     "calcolato {computed}"),
    ("{path}: table '{table}' has no row '{row}'; rows: {rows}",
     "{path}: la tabella '{table}' non ha la riga '{row}'; righe: {rows}"),
    ("{path}: published value '{value}' is not a number", "{path}: il valore pubblicato '{value}' non è un numero"),
    # references between tables (engine/__init__.py)
    ("tables reference each other in a cycle: {cycle}", "le tabelle si richiamano a vicenda in un ciclo: {cycle}"),
    ("reference {ref}: unknown table '{table}'", "riferimento {ref}: tabella '{table}' sconosciuta"),
    ("reference {ref}: table '{table}' has no row '{row}'; rows: {rows}",
     "riferimento {ref}: la tabella '{table}' non ha la riga '{row}'; righe: {rows}"),
    ("reference {ref}: table '{table}' has no column '{column}' in row '{row}'",
     "riferimento {ref}: la tabella '{table}' non ha la colonna '{column}' nella riga '{row}'"),
    # engine operations
    ("table '{table}', row '{row}': '{column}' not computed (division by zero)",
     "tabella '{table}', riga '{row}': '{column}' non calcolata (divisione per zero)"),
    ("table '{table}', row '{row}': '{column}' not computed {why}",
     "tabella '{table}', riga '{row}': '{column}' non calcolata {why}"),
    ("table '{table}', row '{row}': '{column}' is given in the data but is also computed ({formula}); remove the "
     "given value, or declare it as a check value",
     "tabella '{table}', riga '{row}': '{column}' è nei dati ma è anche calcolata ({formula}); togliere il valore "
     "dai dati, o dichiararlo come valore di controllo"),
    ("'{label}' looks like a total typed into the data: its figures are the sum of the {scope} rows. Totals are "
     "computed: remove this row",
     "'{label}' sembra un totale scritto nei dati: le sue cifre sono la somma delle righe {scope}. I totali sono "
     "calcolati: togliere questa riga"),
    ("table '{table}': the total row '{label}' has id '{rid}', already used by another row; change the level's label",
     "tabella '{table}': la riga di totale '{label}' ha id '{rid}', già usato da un'altra riga; cambiare "
     "l'etichetta del livello"),
    ("{path}: kind '{kind}' of a row formula; use one of {choices}",
     "{path}: tipo '{kind}' di una formula di riga; usare uno tra {choices}"),
    ("{path}: a row formula names its rows in the formula; 'where' has no effect here",
     "{path}: una formula di riga nomina le sue righe nella formula; 'where' qui non ha effetto"),
    ("{path}: row formula '{formula}': no row '{row}'; {rest}",
     "{path}: formula di riga '{formula}': nessuna riga '{row}'; {rest}"),
    ("{path}: row formula: a row '{row}' exists already; choose another id",
     "{path}: formula di riga: la riga '{row}' esiste già; scegliere un altro id"),
    # content
    ("notes: table '{table}' has no row '{row}'", "notes: la tabella '{table}' non ha la riga '{row}'"),
    ("kpi: no figure {figure}", "kpi: nessuna cifra {figure}"),
    ("chart of table '{table}': no row '{row}'", "grafico della tabella '{table}': nessuna riga '{row}'"),
    ("chart of table '{table}': no rows to show", "grafico della tabella '{table}': nessuna riga da mostrare"),
    ("chart reference: no figure {figure}", "riferimento del grafico: nessuna cifra {figure}"),
    # narrative
    ("placeholder syntax: {problem}", "sintassi del segnaposto: {problem}"),
    ("not allowed in a narrative: {what}", "non ammesso in un testo: {what}"),
    ("a narrative cannot include other files ('{name}')", "un testo non può includere altri file ('{name}')"),
    ("unknown table '{table}' in a placeholder", "tabella '{table}' sconosciuta in un segnaposto"),
    ("table '{table}', row '{row}' has no column '{column}'; columns: {columns}",
     "la tabella '{table}', riga '{row}', non ha la colonna '{column}'; colonne: {columns}"),
    ("table '{table}' has no row '{row}'; rows: {rows}", "la tabella '{table}' non ha la riga '{row}'; righe: {rows}"),
    ("a word of more than {count} characters: add spaces", "una parola di più di {count} caratteri: aggiungere spazi"),
    ("image '{name}': not a valid file name", "immagine '{name}': nome di file non valido"),
    ("image '{name}': only images inside the project folder can be shown",
     "immagine '{name}': si possono mostrare solo immagini nella cartella del progetto"),
    ("a format filter needs a figure, not {value}", "un filtro di formato richiede una cifra, non {value}"),
    # report.yaml
    ("duplicate section id '{id}' (also at {other})", "id di sezione '{id}' ripetuto (anche in {other})"),
    ("unknown part of the DFP guidelines; use one of {choices}",
     "parte delle linee guida DFP sconosciuta; usare una tra {choices}"),
    ("unknown section '{section}'; sections: {sections}", "sezione '{section}' sconosciuta; sezioni: {sections}"),
    ("unknown section '{section}'", "sezione '{section}' sconosciuta"),
    ("'{colour}' is not a colour as #rrggbb", "'{colour}' non è un colore come #rrggbb"),
    ("'{name}' is not a file inside the project folder", "'{name}' non è un file nella cartella del progetto"),
    ("expected one of {choices}", "atteso uno tra {choices}"),
    ("expected {a} or {b}", "atteso {a} o {b}"),
    ("unknown locale '{locale}'", "lingua '{locale}' sconosciuta"),
    ("unknown chart kind '{kind}'; use one of {choices}", "tipo di grafico '{kind}' sconosciuto; usare uno tra {choices}"),
    ("unknown numbering style '{style}'; use {choices}", "stile di numerazione '{style}' sconosciuto; usare {choices}"),
    ("unknown output '{output}'; use {choices}", "uscita '{output}' sconosciuta; usare {choices}"),
    ("unknown output format {output}; use {choices}", "formato di uscita {output} sconosciuto; usare {choices}"),
    ("unknown PDF profile '{profile}'; use {choices}", "profilo PDF '{profile}' sconosciuto; usare {choices}"),
    # blocks of report.yaml (load/blocks.py)
    ("section '{section}': unknown table '{table}' (no {file})",
     "sezione '{section}': tabella '{table}' sconosciuta (manca {file})"),
    ("section '{section}': unknown table '{table}' in {ref}", "sezione '{section}': tabella '{table}' sconosciuta in {ref}"),
    ("section '{section}': table '{table}' has no column '{column}'",
     "sezione '{section}': la tabella '{table}' non ha la colonna '{column}'"),
    ("section '{section}': chart of unknown table '{table}'", "sezione '{section}': grafico di una tabella sconosciuta, '{table}'"),
    ("section '{section}': chart of table '{table}': no column '{column}'",
     "sezione '{section}': grafico della tabella '{table}': nessuna colonna '{column}'"),
    ("section '{section}': chart reference to unknown table '{table}'",
     "sezione '{section}': il riferimento del grafico nomina una tabella sconosciuta, '{table}'"),
    ("section '{section}': narrative file '{file}' not found", "sezione '{section}': testo '{file}' non trovato"),
    ("section '{section}': '{file}' is outside the project folder",
     "sezione '{section}': '{file}' è fuori dalla cartella del progetto"),
    ("section '{section}': group_titles: no column '{column}' in table '{table}'",
     "sezione '{section}': group_titles: nessuna colonna '{column}' nella tabella '{table}'"),
    ("section '{section}': blocks[{index}]: {message}", "sezione '{section}': blocks[{index}]: {message}"),
    ("section '{section}': {message}", "sezione '{section}': {message}"),
    ("a block is one of: {kinds}", "un blocco è uno tra: {kinds}"),
    # table schemas
    ("unknown type '{type}'; use one of {choices}", "tipo '{type}' sconosciuto; usare uno tra {choices}"),
    ("unknown column '{column}' in the formula", "colonna '{column}' sconosciuta nella formula"),
    ("unknown column '{column}'", "colonna '{column}' sconosciuta"),
    ("unknown weight column '{column}'", "colonna dei pesi '{column}' sconosciuta"),
    ("'{column}': unknown aggregate {aggregate}", "'{column}': aggregazione {aggregate} sconosciuta"),
    ("unknown operation '{op}'; use one of {choices}", "operazione '{op}' sconosciuta; usare una tra {choices}"),
    ("expected a numeric column type: {choices}", "atteso un tipo di colonna numerico: {choices}"),
    ("'{column}' is a {type} column; the motivazione dello scostamento is a {rest}",
     "'{column}' è una colonna {type}; la motivazione dello scostamento è una {rest}"),
    ("table id '{id}' must be lowercase letters, digits and _",
     "l'id di tabella '{id}' deve essere di lettere minuscole, cifre e _"),
    ("column '{column}' is an input; computed columns need 'computed: true' or a new name",
     "la colonna '{column}' è un dato; le colonne calcolate richiedono 'computed: true' o un nome nuovo"),
    ("source.table: unknown table '{table}'", "source.table: tabella '{table}' sconosciuta"),
    ("data file '{file}' not found in the project", "file di dati '{file}' non trovato nel progetto"),
    ("no data file: expected {csv} or {xlsx}", "nessun file di dati: atteso {csv} o {xlsx}"),
    ("both {names} exist; keep one", "esistono sia {names}; tenerne uno"),
    ("{n} hidden row(s) left out", "{n} righe nascoste escluse"),
    # YAML
    ("invalid YAML: {problem}", "YAML non valido: {problem}"),
    ("expected {expected}, but found {found}", "atteso {expected}, trovato {found}"),
    ("found undefined alias '{name}'", "alias '{name}' non definito"),
    ("did not find expected {what}", "manca {what} atteso"),
    ("its aliases (*name) expand to more than {count} values; write the values out",
     "i suoi alias (*nome) si espandono in più di {count} valori; scrivere i valori per esteso"),
    ("contains a control character ({found})", "contiene un carattere di controllo ({found})"),
    ("must be one line, without control characters (found {found})",
     "deve essere una riga, senza caratteri di controllo (trovato {found})"),
    ("a name contains a control character ({found})", "un nome contiene un carattere di controllo ({found})"),
    # data files and cells
    ("'{cell}' {problem}; expected {expected}", "'{cell}' {problem}; atteso {expected}"),
    ("must be one of: {choices}", "deve essere uno tra: {choices}"),
    ("'{cell}' must be one of: {choices}", "'{cell}' deve essere uno tra: {choices}"),
    ("'{cell}' is not a reference; write @table.row.column in lowercase",
     "'{cell}' non è un riferimento; scrivere @tabella.riga.colonna in minuscolo"),
    ("'{cell}' {message}", "'{cell}' {message}"),
    ("is empty; expected {expected}", "è vuota; atteso {expected}"),
    ("column {number} has values but no header", "la colonna {number} ha valori ma nessuna intestazione"),
    ("unexpected column '{column}'; {schema} declares: {declared}",
     "colonna '{column}' inattesa; {schema} dichiara: {declared}"),
    ("column '{column}' appears twice (columns {a} and {b})", "la colonna '{column}' compare due volte (colonne {a} e {b})"),
    ("missing required column '{column}' (header '{header}')",
     "manca la colonna obbligatoria '{column}' (intestazione '{header}')"),
    ("missing required column '{column}'", "manca la colonna obbligatoria '{column}'"),
    ("has {count} rows; the limit is {limit}", "ha {count} righe; il limite è {limit}"),
    ("has {count} value(s) beyond the last column", "ha {count} valori oltre l'ultima colonna"),
    ("has an empty key ({key})", "ha la chiave vuota ({key})"),
    ("duplicate key '{key}' (also on row {row})", "chiave '{key}' ripetuta (anche alla riga {row})"),
    ("a stray quote (\") opens a cell that runs to line {line}: {rest}",
     "una virgoletta (\") isolata apre una cella che arriva alla riga {line}: {rest}"),
    ("is not valid CSV: {problem}", "non è un CSV valido: {problem}"),
    ("has fewer than the {count} header rows its schema declares",
     "ha meno delle {count} righe di intestazione che il suo schema dichiara"),
    ("cannot be read as an XLSX workbook ({why})", "non si legge come cartella di lavoro XLSX ({why})"),
    ("has no sheet '{sheet}'; sheets: {sheets}", "non ha il foglio '{sheet}'; fogli: {sheets}"),
    ("is {kind}: expected a file", "è {kind}: atteso un file"),
    ("is larger than {size}", "è più grande di {size}"),
    ("cannot be read ({why})", "non si può leggere ({why})"),
    ("has unknown type '{type}'", "ha il tipo sconosciuto '{type}'"),
    # arithmetic
    ("'{text}' is not a number", "'{text}' non è un numero"),
    ("an expression has at most {count} characters", "un'espressione ha al massimo {count} caratteri"),
    ("'{text}' is not an arithmetic expression", "'{text}' non è un'espressione aritmetica"),
    ("an expression has at most {count} terms", "un'espressione ha al massimo {count} termini"),
    # narrative limits
    ("too much work: more than {count} loop steps and macro calls",
     "troppo lavoro: più di {count} passi di ciclo e chiamate di macro"),
    ("macros call each other more than {count} levels deep", "macro che si chiamano per più di {count} livelli"),
    ("an exponent larger than {count}", "un esponente maggiore di {count}"),
    ("a text longer than {count} characters", "un testo più lungo di {count} caratteri"),
    # keys without effect (load/schema.py)
    ("the column '{column}' is headed '{label}' already; this label has no effect: give it once",
     "la colonna '{column}' ha già l'intestazione '{label}'; questa etichetta non ha effetto: indicarla una volta"),
    ("cannot add {a} and {b} figures", "non si sommano cifre {a} e {b}"),
    ("cannot subtract {a} and {b} figures", "non si sottraggono cifre {a} e {b}"),
    ("cannot add {kinds} figures", "non si sommano cifre {kinds}"),
    ("cannot subtract {kinds} figures", "non si sottraggono cifre {kinds}"),
    ("cannot compute with {value}: only figures and numbers", "non si calcola con {value}: solo cifre e numeri"),
    ("cannot be written ({why}); the previous outputs are unchanged",
     "non si può scrivere ({why}); i file precedenti sono intatti"),
    ("section '{section}': blocks[{index}]: a {kind} block cannot be drawn in {outputs}; leave it out of the "
     "section or {outputs2} out of outputs",
     "sezione '{section}': blocks[{index}]: un blocco {kind} non si può disegnare in {outputs}; toglierlo dalla "
     "sezione o togliere {outputs2} da outputs"),
    # readiness for the OIV (reportgen check)
    ("dfp.{part}: no section covers '{name}' (Linee guida DFP n. 3/2018); list the ids of the sections covering "
     "it, or give not_applicable: REASON",
     "dfp.{part}: nessuna sezione tratta '{name}' (Linee guida DFP n. 3/2018); elencare gli id delle sezioni che "
     "la trattano, o indicare not_applicable: MOTIVO"),
    ("approval: the act adopting the Relazione is missing (give approval: {body, act, date})",
     "approval: manca l'atto di adozione della Relazione (indicare approval: {{body, act, date}})"),
    ("validation: the OIV validation act is missing (give validation: {body, act, date})",
     "validation: manca il documento di validazione dell'OIV (indicare validation: {{body, act, date}})"),
    ("approval.act: the number of the act adopting the Relazione is missing",
     "approval.act: manca il numero dell'atto di adozione della Relazione"),
    ("validation.act: the number of the OIV validation act is missing",
     "validation.act: manca il numero del documento di validazione dell'OIV"),
    ("approval.date: the date of the act adopting the Relazione is missing",
     "approval.date: manca la data dell'atto di adozione della Relazione"),
    ("validation.date: the date of the OIV validation act is missing",
     "validation.date: manca la data del documento di validazione dell'OIV"),
    ("approval.date: adopted on {date}, after {deadline}, the deadline for the Relazione on {year} {law}",
     "approval.date: adottata il {date}, dopo il {deadline}, termine per la Relazione sul {year} {law}"),
    ("validation.date: validated on {date}, after {deadline}, the deadline for the Relazione on {year} {law}",
     "validation.date: validata il {date}, dopo il {deadline}, termine per la Relazione sul {year} {law}"),
    ("validation.date: validated on {date}, before the Relazione was adopted ({adopted}): the OIV validates the "
     "adopted Relazione",
     "validation.date: validata il {date}, prima dell'adozione della Relazione ({adopted}): l'OIV valida la "
     "Relazione adottata"),
    ("target missed without a reason (motivazione dello scostamento): {figure}; {schema} names no reason column: "
     "add reason: COLUMN to {path} (or outcome: false if '{column}' is not a target's outcome)",
     "obiettivo mancato senza motivazione dello scostamento: {figure}; {schema} non indica la colonna della "
     "motivazione: aggiungere reason: COLONNA a {path} (o outcome: false se '{column}' non è l'esito di un "
     "obiettivo)"),
    ("target missed without a reason (motivazione dello scostamento): {figure}",
     "obiettivo mancato senza motivazione dello scostamento: {figure}"),
    ("Rasterizing the {output} pages at {dpi} dpi", "Rasterizzazione delle pagine {output} a {dpi} dpi"),
    ("{message} ({n})", "{message} ({n})"),  # a stage of a command and its count of pieces
    # the CLI's checks of its options
    ("--format: use {choices}", "--format: usare {choices}"),
    ("with --rev give one PROJECT and one or two revisions", "con --rev indicare un PROGETTO e una o due revisioni"),
    ("give two project folders (OLD NEW), or one with --rev",
     "indicare due cartelle di progetto (VECCHIO NUOVO), o una con --rev"),
    # key paths of YAML files: "columns.x.type: <message>"
    ("{path}: {message}", "{path}: {message}"),
)


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[re.Pattern, str], ...]:
    compiled = []
    for pattern, template in CATALOGUE:
        pieces = re.split(r"\{(\w+)\}", pattern)
        regex = "".join(re.escape(piece) if i % 2 == 0 else
                        rf"(?P<{piece}>[^\s:]+?)" if piece == "path" else rf"(?P<{piece}>\d+)" if piece == "n" else
                        f"(?P<{piece}>.+?)"
                        for i, piece in enumerate(pieces))
        compiled.append((re.compile(regex, re.DOTALL), template))
    return tuple(compiled)
