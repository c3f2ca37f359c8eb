"""Write the SYNTHETIC units of the schede-obiettivi-2024 sample: `python generate_units.py`.

The published card (shared/seeds/002) exists for one unit only, the DC Risorse Umane; a batch of
cards needs all of them. This script adds synthetic but plausible units, as many of each kind as
the 2024 Relazione's table of structures counts (../relazione-2024/data/strutture_territorio.csv,
the real units already in data/units.csv counting towards their kind), each with its own ambiti,
sotto-ambiti and KPI rows whose weights sum to 100 %.

Every synthetic row says so: `sintetico: si` in units.csv and the `fonte` column
"dati sintetici (generate_units.py)" in every table. The real rows (those of units with
`sintetico: no`) are kept byte for byte; only the synthetic rows are rewritten. Standard library
only and a fixed seed, so the same inputs always give the same files.
"""
from __future__ import annotations

import csv
import random
import re
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
STRUCTURES = HERE.parent / "relazione-2024" / "data" / "strutture_territorio.csv"
SEED = 2024
SYNTHETIC = "dati sintetici (generate_units.py)"

REGIONS = ["Abruzzo", "Basilicata", "Calabria", "Campania", "Emilia-Romagna", "Friuli Venezia Giulia",
           "Lazio", "Liguria", "Lombardia", "Marche", "Molise", "Piemonte", "Puglia", "Sardegna",
           "Sicilia", "Toscana", "Trentino-Alto Adige", "Umbria", "Valle d'Aosta", "Veneto"]
METROPOLITAN = [("Roma", "Lazio"), ("Milano", "Lombardia"), ("Napoli", "Campania")]

# kind (as in strutture_territorio) -> (id prefix, name of one unit, articolazione)
KINDS = {
    "Direzione Generale": ("dc", "Direzione centrale", "Direzione centrale"),
    "Direzioni Regionali": ("dr", "Direzione regionale", "Direzione regionale"),
    "Direzioni di Coordinamento Metropolitano": ("dcm", "Direzione di coordinamento metropolitano",
                                                 "Direzione di coordinamento metropolitano"),
    "Direzioni Provinciali": ("dp", "Direzione provinciale", "Direzione provinciale"),
    "Filiali Metropolitane": ("fm", "Filiale metropolitana", "Filiale metropolitana"),
    "Filiale Provinciale": ("fp", "Filiale provinciale", "Filiale provinciale"),
    "Agenzie Complesse": ("ac", "Agenzia complessa", "Agenzia complessa"),
    "Agenzie Territoriali": ("at", "Agenzia territoriale", "Agenzia territoriale"),
    "Punti INPS": ("pi", "Punto INPS", "Punto INPS"),
}

AMBITI = ["Valore Sociale", "Valore Istituzionale", "Valore Economico", "Valore di Ecosistema",
          "Valore organizzativo"]
# The weight profile of the ambiti: the published card (central) and a territorial one, where the
# production outcomes weigh more. Each unit moves a few 5-point steps between ambiti.
PROFILE = {"central": [10, 30, 30, 10, 20], "territorial": [10, 35, 25, 10, 20]}

OUTCOME = ("Massimizzazione degli outcome di Ente e focalizzazione alla customer satisfaction - "
           "produttività ed efficacia dei servizi")
ECONOMIC = "Capacità di gestione economica e contabile"
PLANNING = "Capacità di pianificazione e controllo"
# The sotto-ambiti of each ambito: the card's wording where the card has one, else the 2024
# Relazione's (pes_sottoambiti).
SOTTOAMBITI = {
    "Valore Sociale": ["Impatto Ambientale",
                       "Impatto sulla riduzione delle disuguaglianze sociali e di genere"],
    "Valore Istituzionale": ["Compliance alle norme, rispetto dei principi di trasparenza e legalità",
                             "Digitalizzazione dei Servizi Pubblici", OUTCOME],
    "Valore Economico": [ECONOMIC, PLANNING,
                         "Controllo delle prestazioni, recupero crediti e mitigazione del contenzioso"],
    "Valore di Ecosistema": ["Adozione di flussi informativi efficienti e tecnologie a supporto",
                             "Consolidamento ed evoluzione della rete di rapporto con il Cittadino, gli "
                             "Stakeholders e i Partner istituzionali",
                             "Integrazione con Sistemi e Basi dati di altre Agenzie, Istituti ed Enti pubblici"],
    "Valore organizzativo": ["Produttività e benessere delle risorse impiegate",
                             "Efficacia delle politiche di gestione delle risorse umane",
                             "Razionalizzazione e semplificazione dei processi interni"],
}
# Where an ambito must keep a sotto-ambito: the territorial production targets live there.
REQUIRED = {"Valore Istituzionale": OUTCOME, "Valore Economico": ECONOMIC}
PROJECTS = "Obiettivi 2024 - Allegato 2 Anagrafica Progetti 2024"
# Scale of the synthetic I.E.E.P. targets by kind (euro; the national total is about 12,2 bn).
IEEP_SCALE = {"dr": 120_000_000, "dcm": 300_000_000, "dp": 25_000_000, "fm": 30_000_000,
              "fp": 20_000_000, "ac": 8_000_000, "at": 3_000_000, "pi": 500_000, "dc": 50_000_000}


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")


def italian(value: float, decimals: int) -> str:
    """1234.5 -> '1.234,50': how the sample's data files write numbers."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def read(name: str) -> tuple[list[str], list[list[str]]]:
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    return rows[0], rows[1:]


def write(name: str, header: list[str], rows: list[list[str]]) -> None:
    with open(DATA / name, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def composition(rng: random.Random, parts: int, step: int, minimum: int) -> list[int]:
    """`parts` multiples of `step`, each at least `minimum`, summing to 100."""
    spare = (100 - parts * minimum) // step
    cuts = sorted(rng.randint(0, spare) for _ in range(parts - 1))
    sizes = [b - a for a, b in zip([0, *cuts], [*cuts, spare])]
    return [minimum + step * s for s in sizes]


def ambito_weights(rng: random.Random, profile: list[int]) -> list[int]:
    weights = list(profile)
    for _ in range(rng.randint(0, 3)):
        giver, taker = rng.sample(range(len(weights)), 2)
        if weights[giver] > 5:
            weights[giver] -= 5
            weights[taker] += 5
    return weights


def kpis(rng: random.Random, prefix: str, sottoambito: str) -> list[tuple[str, str, str, str, str]]:
    """(kpi_id, kpi, riferimento, obiettivo, obiettivo_testo) for one sotto-ambito."""
    code = slug(sottoambito)[:24]
    if sottoambito == OUTCOME:
        return [("deflusso", "Indice di Deflusso", "Obiettivi 2024 - Pag. 26",
                 italian(rng.uniform(1.0, 1.05), 3), ""),
                ("produttivita", "Indicatore di Produttività", "Obiettivi 2024 - Pag. 29",
                 italian(rng.uniform(40, 60), 2), ""),
                ("customer_experience", "Indagine Customer Experience", "Obiettivi 2024 - Pag. 36", "3,50", ""),
                ("reputazionale", "Indagine reputazionale", "Obiettivi 2024 - Pag. 37", "3,50", "")]
    if sottoambito == ECONOMIC:
        scale = IEEP_SCALE[prefix]
        return [("ieep_accertamenti", "I.E.E.P. - Accertamenti", "Obiettivi 2024 - Pag. 52",
                 "€ " + italian(round(scale * rng.uniform(0.3, 0.5)), 0), ""),
                ("ieep_incassi_pagamenti", "I.E.E.P. - Incassi e Pagamenti", "",
                 "€ " + italian(round(scale * rng.uniform(0.5, 0.7)), 0), "")]
    if sottoambito == PLANNING:
        return [("gestione_spesa", "Indicatore di gestione della spesa", "Obiettivi 2024 - Pag. 56", "",
                 "SMVP - Par 6.2.11")]
    return [(f"progetti_{code}", "Progetti", PROJECTS, "100", "")]


def main() -> None:
    rng = random.Random(SEED)
    with open(STRUCTURES, encoding="utf-8", newline="") as handle:
        counts = {row["tipo"]: int(row["numero"].replace(".", ""))
                  for row in csv.DictReader(handle, delimiter=";")}

    unit_header, unit_rows = read("units.csv")
    col = {name: i for i, name in enumerate(unit_header)}
    real_units = [r for r in unit_rows if r[col["sintetico"]] == "no"]
    real_ids = {r[col["id"]] for r in real_units}
    tables = {name: read(name) for name in ("ambiti.csv", "sottoambiti.csv", "kpi.csv")}
    kept = {name: [r for r in rows if r[header.index("unit")] in real_ids]
            for name, (header, rows) in tables.items()}

    new_units: list[list[str]] = []
    ambiti_rows: list[list[str]] = []
    sotto_rows: list[list[str]] = []
    kpi_rows: list[list[str]] = []
    for kind, count in counts.items():
        prefix, singular, articolazione = KINDS[kind]
        missing = count - sum(1 for r in real_units if r[col["tipo"]] == kind)
        for n in range(1, missing + 1):
            if prefix == "dr" and missing <= len(REGIONS):
                region = REGIONS[n - 1]
                name, unit = f"{singular} {region}", f"dr_{slug(region)}"
            elif prefix == "dcm" and missing <= len(METROPOLITAN):
                city, region = METROPOLITAN[n - 1]
                name, unit = f"{singular} di {city}", f"dcm_{slug(city)}"
            else:
                region = rng.choice(REGIONS)
                name, unit = f"{singular} S-{n:03d} ({region})", f"{prefix}_s{n:03d}"
            values = {"id": unit, "nome": name, "tipo": kind, "articolazione": articolazione,
                      "regione": region, "sintetico": "si", "fonte": SYNTHETIC}
            new_units.append([values.get(h, "") for h in unit_header])

            profile = PROFILE["central" if prefix == "dc" else "territorial"]
            weights = ambito_weights(rng, profile)
            assert sum(weights) == 100, (unit, weights)
            for ambito, weight in zip(AMBITI, weights):
                ambiti_rows.append([unit, ambito, f"{weight}%", SYNTHETIC])
                catalogue = SOTTOAMBITI[ambito]
                chosen = set(rng.sample(catalogue, rng.randint(1, min(3, len(catalogue)))))
                if ambito in REQUIRED and prefix != "dc":
                    chosen.add(REQUIRED[ambito])
                chosen_in_order = [s for s in catalogue if s in chosen]
                shares = composition(rng, len(chosen_in_order), 10, 20)
                assert sum(shares) == 100, (unit, ambito, shares)
                for sottoambito, share in zip(chosen_in_order, shares):
                    sotto_rows.append([unit, ambito, sottoambito, f"{share}%", SYNTHETIC])
                    for kpi_id, kpi, ref, target, target_text in kpis(rng, prefix, sottoambito):
                        kpi_rows.append([unit, kpi_id, ambito, sottoambito, kpi, ref, target, target_text,
                                         SYNTHETIC])

    write("units.csv", unit_header, real_units + new_units)
    write("ambiti.csv", tables["ambiti.csv"][0], kept["ambiti.csv"] + ambiti_rows)
    write("sottoambiti.csv", tables["sottoambiti.csv"][0], kept["sottoambiti.csv"] + sotto_rows)
    write("kpi.csv", tables["kpi.csv"][0], kept["kpi.csv"] + kpi_rows)
    print(f"{len(real_units)} real and {len(new_units)} synthetic units; {len(ambiti_rows)} ambiti, "
          f"{len(sotto_rows)} sotto-ambiti and {len(kpi_rows)} KPI rows of synthetic units")


if __name__ == "__main__":
    main()
