"""The diff as reviewers read it: a terminal summary and a self-contained HTML page."""

from __future__ import annotations

import base64
import html

from . import DiffReport


def summary_lines(report: DiffReport) -> list[str]:
    if report.empty:
        return ["No differences: the two drafts give the same figures, text, settings"
                + (" and pages." if report.pages_compared else ".")]
    lines: list[str] = []
    inputs = [f for f in report.figures if f.kind == "input"]
    derived = [f for f in report.figures if f.kind == "derived"]
    if report.figures or report.rows:
        lines.append(f"Figures: {len(inputs)} input(s) changed, {len(derived)} derived figure(s) changed"
                     + (f", {len(report.rows)} row(s) added or removed" if report.rows else ""))
        for change in report.figures:
            delta = f" ({change.difference})" if change.difference else ""
            lines.append(f"  {'INPUT  ' if change.kind == 'input' else 'derived'} {change.where}: "
                         f"{change.old} → {change.new}{delta}")
            if change.outcome:
                lines.append(f"          {change.outcome}")
            for cause in change.causes:
                lines.append(f"          because of {cause}")
        for row in report.rows:
            lines.append(f"  row {row.status}: {row.where}")
    if report.narrative:
        lines.append(f"Narrative: {sum(len(t.hunks) for t in report.narrative)} change(s) in "
                     f"{len(report.narrative)} section(s)")
        for text in report.narrative:
            for hunk in text.hunks:
                removed = f"[-{hunk.removed}-]" if hunk.removed else ""
                added = f"{{+{hunk.added}+}}" if hunk.added else ""
                lines.append(f"  {text.section}: …{hunk.before} {removed}{added} {hunk.after}…")
    if report.pages_compared:
        changed = report.changed_pages
        lines.append(f"Pages (A4): {len(report.pages) - len(changed)} unchanged, {len(changed)} differ")
        for page in changed:
            match = f" ({page.match:.2f} % unchanged)".replace(".", ",") if page.match is not None else ""
            lines.append(f"  {page.status}: {page.key}{f' (page {page.page})' if page.page else ''}{match}")
    if report.config:
        lines.append("report.yaml:")
        for change in report.config:
            detail = " → ".join(part for part in (change.old, change.new) if part)
            lines.append(f"  {change.what}: {detail}")
    return lines


def html_report(report: DiffReport) -> str:
    e = html.escape

    def table(headers: list[str], rows: list[list[str]]) -> str:
        head = "".join(f"<th>{e(h)}</th>" for h in headers)
        body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    parts = [f"<h1>Differenze tra due bozze</h1><p>Da <code>{e(report.old_name)}</code> a "
             f"<code>{e(report.new_name)}</code>.</p>"]
    if report.empty:
        parts.append("<p>Nessuna differenza.</p>")
    if report.figures or report.rows:
        # grouped by section so a reviewer reads the changes in the order of the report
        by_section: dict[str, list[list[str]]] = {}
        for f in report.figures:
            # a cause in the same section is named without repeating the section
            note = "<br>".join(f"da {e(c.removeprefix(f.place[0] + ' › '))}" for c in f.causes)
            if f.outcome:
                note += f"<br><strong>{e(f.outcome)}</strong>"
            by_section.setdefault(f.place[0], []).append(
                [e("dato" if f.kind == "input" else "calcolato"), e(" › ".join(f.place[1:])),
                 f"<span class=n>{e(f.old)}</span>", f"<span class=n>{e(f.new)}</span>",
                 f"<span class=n>{e(f.difference or '')}</span>", note])
        parts.append("<h2>Cifre</h2>")
        for section, rows in by_section.items():
            parts.append(f"<h3>{e(section)}</h3>" + table(["", "tabella › riga › colonna", "prima", "dopo",
                                                           "differenza", "nota"], rows))
        if report.rows:
            parts.append("<h3>Righe aggiunte o rimosse</h3>" + table(
                ["", "dove"], [[e("aggiunta" if r.status == "added" else "rimossa"), e(r.where)]
                               for r in report.rows]))
    if report.narrative:
        items = []
        for text in report.narrative:
            for hunk in text.hunks:
                items.append(f"<li><strong>{e(text.section)}</strong>: …{e(hunk.before)} "
                             f"<del>{e(hunk.removed)}</del> <ins>{e(hunk.added)}</ins> {e(hunk.after)}…</li>")
        parts.append("<h2>Testo</h2><ul>" + "".join(items) + "</ul>")
    if report.pages_compared:
        rows = [[e(p.key), str(p.page or "–"), e(p.status),
                 "" if p.match is None else f"{p.match:.2f} %".replace(".", ",")] for p in report.pages]
        images = "".join(
            f"<figure><img alt='{e(p.key)}' src='data:image/png;base64,{base64.b64encode(p.diff_png).decode()}'>"
            f"<figcaption>{e(p.key)}</figcaption></figure>" for p in report.changed_pages if p.diff_png)
        parts.append("<h2>Pagine (A4)</h2>" + table(["pagina (sezione#n)", "n.", "stato", "invariato"], rows) + images)
    if report.config:
        parts.append("<h2>report.yaml</h2>" + table(["cosa", "prima", "dopo"],
                                                     [[e(c.what), e(c.old), e(c.new)] for c in report.config]))
    style = ("body{font-family:sans-serif;margin:2em;max-width:75em} table{border-collapse:collapse;margin:1em 0}"
             "td,th{border-bottom:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}"
             "del{background:#fdd} ins{background:#dfd;text-decoration:none} img{max-width:45%;border:1px solid #999}"
             "figure{display:inline-block;margin:.5em} .n{white-space:nowrap} td:nth-child(6){font-size:.85em;color:#555}"
             "@page{size:A4 landscape;margin:1.2cm} @media print{body{margin:0;font-size:9pt}}")
    return (f"<!DOCTYPE html><html lang='it'><head><meta charset='utf-8'><title>reportgen diff</title>"
            f"<style>{style}</style></head><body>{''.join(parts)}</body></html>")
