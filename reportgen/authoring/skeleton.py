"""``reportgen new DIR``: the smallest project that builds, each key explained where it is.

One section with a narrative, a table and a chart: enough to see every part of the format
working, and to grow from by copying (docs/project-format.md has every key).
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from ..errors import InputError
from ..output import write_all

REPORT_YAML = """\
# Il progetto della Relazione: chi la pubblica, l'anno, lo stile e l'albero delle sezioni.
# Ogni chiave è descritta in docs/project-format.md.
administration: Nome dell'amministrazione      # obbligatorio: chi pubblica la Relazione
year: {year}                                     # obbligatorio: l'anno di cui si rende conto
title: Relazione sulla Performance {year}        # obbligatorio: il titolo in copertina
# subtitle: Redatta ai sensi dell'art. 10, comma 1, lett. b) del D.Lgs. n. 150/2009
locale: it_IT                                    # lingua e formato dei numeri (1.234,56)
# approval:                                      # l'atto che adotta la Relazione (in copertina)
#   body: Giunta comunale
#   act: Deliberazione n. 1
#   date: {next}-06-15
style:
  percent_space: true                            # "9,56 %" (true) oppure "9,56%"
  currency_position: prefix                      # "€ 1.234,56" (prefix) oppure "1.234,56 €"
outputs: [pdf, pptx]                             # PDF A4 e presentazione PowerPoint
sections:                                        # le sezioni, nell'ordine in cui si leggono
  - id: risultati                                # identificativo: minuscole, cifre, - e _
    title: I risultati del {year}                # il titolo stampato
    blocks:                                      # il contenuto, in quest'ordine
      - text: text/risultati.md                  # il testo (Markdown con le cifre tra {{{{ }}}})
      - table: obiettivi                         # la tabella data/obiettivi.schema.yaml + .csv
      - chart:                                   # un grafico delle cifre di una tabella
          kind: hbar                             # pie, donut, bar, hbar, trend, stacked
          table: obiettivi
          title: Obiettivo e consuntivo {year}
          labels: obiettivo                      # la colonna che nomina ogni barra
          values: [target, consuntivo]           # una serie per colonna
"""

SCHEMA_YAML = """\
# La tabella: le colonne del file data/obiettivi.csv, le cifre calcolate e i controlli.
title: Obiettivi {year}                          # obbligatorio: il titolo della tabella
note: "Fonte: controllo di gestione"             # facoltativo, stampato sotto la tabella
key: obiettivo                                   # la colonna che nomina ogni riga (id: obiettivi.<riga>.<colonna>)
# owner: Direzione risorse                       # chi fornisce i dati (reportgen workbook --owner)
columns:                                         # le colonne del file, nell'ordine di stampa
  obiettivo: {{type: text, required: true, label: Obiettivo}}
  polarita: {{type: polarity, default: higher, label: Polarità}}   # higher: più alto è meglio
  target: {{type: decimal, required: true, label: Target {year}}}
  consuntivo: {{type: decimal, required: true, label: Consuntivo {year}}}
  motivazione: {{type: text, label: Motivazione dello scostamento}}
derive:                                          # cifre calcolate dal motore, mai scritte a mano
  - {{op: scostamento, into: scostamento, obiettivo: target, consuntivo: consuntivo, polarity: polarita,
     reason: motivazione, label: Scostamento}}
display:
  columns: [obiettivo, target, consuntivo, scostamento]   # le colonne stampate
# checks:                                        # cifre pubblicate altrove, confrontate con quelle calcolate
#   - {{row: pratiche_evase, column: scostamento, published: "+5,00%"}}
"""

DATA_CSV = """\
obiettivo;polarita;target;consuntivo;motivazione
Pratiche evase;higher;1.000;1.050;
Tempo medio di risposta (giorni);lower;30;28;
"""

TEXT_MD = """\
Nel {year} le pratiche evase sono state {{{{ obiettivi.pratiche_evase.consuntivo | int }}}},
con uno scostamento di {{{{ obiettivi.pratiche_evase.scostamento | pct }}}} rispetto al target.
"""


def new_project(target: str | Path, year: int | None = None) -> list[Path]:
    """Write the minimal project into ``target`` (a new or empty folder)."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InputError(f"la cartella {target} esiste e non è vuota: indicare una cartella nuova")
    year = year or _dt.date.today().year - 1  # the report is on the year just ended
    values = {"year": year, "next": year + 1}
    files = {
        target / "report.yaml": REPORT_YAML.format(**values),
        target / "data" / "obiettivi.schema.yaml": SCHEMA_YAML.format(**values),
        target / "data" / "obiettivi.csv": DATA_CSV,
        target / "text" / "risultati.md": TEXT_MD.format(**values),
    }
    return write_all({path: text.encode("utf-8") for path, text in files.items()})
