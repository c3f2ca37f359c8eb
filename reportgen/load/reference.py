"""The reference part of ``docs/project-format.md``, generated from the declarations: every key
(``keys.py``), every kind of block (``blocks.py``) and every derivation operation
(``operations.OPERATIONS``). ``python -m reportgen.load.reference --write docs/project-format.md``
replaces the text between the two reference markers; a test fails when the file differs.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .blocks import BLOCK_KINDS
from .keys import FORMATS, REPORT_GROUPS, SCHEMA_GROUPS, Group, Key
from .operations import OPERATIONS

REFERENCE_START = "<!-- reference:start -->"
REFERENCE_END = "<!-- reference:end -->"
COMMAND = "python -m reportgen.load.reference --write docs/project-format.md"

# One entry of ``derive`` per operation, as the samples write them (a test parses each one with
# the schema loader): the reference shows every key with an example, operations included.
OPERATION_EXAMPLES = {
    "sum": "{op: sum, into: totale, of: [sede, cluster]}",
    "mean": "{op: mean, into: media, of: [q1, q2], weights: [2, 1]}",
    "scostamento": "{op: scostamento, into: scostamento, obiettivo: obiettivo, consuntivo: consuntivo, "
                   "polarity: polarita, reason: motivazione}",
    "rapporto": "{op: rapporto, into: indice, obiettivo: obiettivo, consuntivo: consuntivo}",
    "realizzazione": "{op: realizzazione, into: grado, obiettivo: obiettivo, consuntivo: consuntivo}",
    "variazione": "{op: variazione, into: var, from: m_2023, to: m_2024, label: Var. %}",
    "differenza": "{op: differenza, into: diff, from: m_2023, to: m_2024}",
    "carenza": "{op: carenza, into: carenza, consistenza: presenti, fabbisogno: fabbisogno}",
    "share": "{op: share, into: quota, of: importo, by: area}",
    "total": "{op: total, columns: {importo: sum}, sign: segno, levels: [{by: area, label: 'Totale {area}'}, {}]}",
    "formula": "{op: formula, into: sede_cluster, formula: sede * cluster / 100, type: percent}",
    "row_formula": "{op: row_formula, row: ieep, formula: accertato + incassi, columns: [importo], label: IEEP}",
    "summarize": "{op: summarize, by: [area], columns: {importo: sum}, count: uffici, count_label: Uffici}",
}


def _default_text(key: Key) -> str:
    if key.required:
        return "required"
    if key.default_doc:
        return key.default_doc
    if key.default is None or key.default == ():
        return "–"
    if isinstance(key.default, bool):
        return f"`{str(key.default).lower()}`"
    if isinstance(key.default, tuple):
        return "`[" + ", ".join(key.default) + "]`"
    return f"`{key.default}`"


def _table(group: Group, prefix: str = "") -> list[str]:
    title = f"`{group.path}`" if group.path else f"`{group.file}`"
    lines = [f"#### {title}: {group.doc}", "", "| key | type | default | meaning | example |", "|---|---|---|---|---|"]
    for key in group.keys:
        path = f"{prefix}{key.name}"
        example = f"`{key.example}`" if key.example else ""
        kind = "one of " + ", ".join(f"`{c}`" for c in key.choices) if key.choices else key.type
        lines.append(f"| `{path}` | {kind} | {_default_text(key)} | {key.doc} | {example} |")
    return [*lines, ""]


def _prefix(group: Group) -> str:
    if not group.path or group.path.startswith("blocks[] "):
        return ""
    return group.path + "."


def reference() -> str:
    """The generated reference: every key, then the block kinds and the derivation operations."""
    lines = ["## Reference", "",
             "Generated from `reportgen/load/keys.py`, `blocks.py` and `operations.py`: run",
             f"`{COMMAND}` after changing them.",
             "Types: `line` is text on one line without control characters, `id` and `name` are names",
             "of the project (`[a-z][a-z0-9_]*` for tables and columns), `names` is a name or a list of",
             "names, `ref` is `table.row.column`, `path` a file inside the project.", "",
             "### report.yaml", ""]
    for group in REPORT_GROUPS:
        lines += _table(group, _prefix(group))
    lines += ["### Block kinds", "",
              "Each entry of `blocks` has exactly one of these keys; it names the kind of block.", "",
              "| kind | shows | outputs |", "|---|---|---|"]
    for kind in BLOCK_KINDS.values():
        lines.append(f"| `{kind.name}` | {kind.doc} | {', '.join(f for f in FORMATS if f in kind.outputs)} |")
    lines.append("")
    for kind in BLOCK_KINDS.values():
        for group in kind.keys:
            lines += _table(group, _prefix(group))
    lines += ["### Table schemas", ""]
    for group in SCHEMA_GROUPS:
        lines += _table(group, _prefix(group))
    lines += ["#### Derivation operations", "", "| op | what it computes | required | optional | judged | example |",
              "|---|---|---|---|---|---|"]
    for name, op in OPERATIONS.items():
        judged = ("by its sign, " if op.judgement.by_sign else "") + f"met from {op.judgement.threshold}" \
            if op.outcome else "as `judged`/`target` say" if "target" in op.params else "–"
        lines.append(f"| `{name}` | {op.doc} | {', '.join(f'`{p}`' for p in op.required)} "
                     f"| {', '.join(f'`{p}`' for p in op.optional) or '–'} | {judged} | `{OPERATION_EXAMPLES[name]}` |")
    return "\n".join(lines) + "\n"


def with_reference(document: str) -> str:
    """``document`` with the text between the reference markers replaced by :func:`reference`."""
    start, end = document.find(REFERENCE_START), document.find(REFERENCE_END)
    if start < 0 or end < start:
        raise ValueError(f"the document has no {REFERENCE_START} … {REFERENCE_END} markers")
    return document[: start + len(REFERENCE_START)] + "\n" + reference() + document[end:]


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--write":
        path = Path(argv[1])
        path.write_text(with_reference(path.read_text(encoding="utf-8")), encoding="utf-8")
        return 0
    if not argv:
        sys.stdout.write(reference())
        return 0
    sys.stderr.write("usage: python -m reportgen.load.reference [--write docs/project-format.md]\n")
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
