"""Narrative: placeholders format figures in the report's locale; the text is untrusted."""

from __future__ import annotations

import pytest

from reportgen.content.narrative import NarrativeRenderer
from reportgen.engine import compute
from reportgen.errors import InputError
from reportgen.formatting import NBSP, Formatter
from reportgen.load import load_project


@pytest.fixture
def renderer(mini_project):
    return NarrativeRenderer(compute(load_project(mini_project)), Formatter())


def test_placeholders_and_filters(renderer):
    out = renderer.render("text/a.md", "Deflusso {{ kpi.deflusso.consuntivo }} ({{ kpi.deflusso.scostamento | pct }}), "
                                       "costi {{ kpi.costi.scostamento | pct(1) }}, "
                                       "{{ kpi.deflusso.scostamento | unsigned | pct }}, {{ kpi.costi.obiettivo | num(0) }}.")
    assert out.paragraphs == (f"Deflusso 1,048 (+3,46{NBSP}%), costi +9,3{NBSP}%, 3,46{NBSP}%, 172.",)


def test_abs_filter_for_worse_results(renderer):
    text = "peggiore del {{ kpi.deflusso.scostamento | abs | pct }}"
    assert renderer.render("text/a.md", text).paragraphs == (f"peggiore del 3,46{NBSP}%",)


@pytest.mark.parametrize("source", [
    "<script>alert(1)</script>",
    '<img src="file:///etc/passwd">',
])
def test_raw_html_stays_text(renderer, source):
    out = renderer.render("text/a.md", source)
    assert "<script" not in out.html and "<img" not in out.html
    assert out.paragraphs == (source,)


def test_markdown_in_data_values_stays_literal(tmp_path, mini_project):
    csv = mini_project / "data" / "kpi.csv"
    csv.write_text(csv.read_text().replace("Indice di deflusso", "[clic](http://esempio.it) **x**"))
    renderer = NarrativeRenderer(compute(load_project(mini_project)), Formatter())
    out = renderer.render("text/a.md", "{{ kpi.deflusso.indicatore }}")
    assert "<a " not in out.html and "<strong>" not in out.html
    assert out.paragraphs == ("[clic](http://esempio.it) **x**",)


@pytest.mark.parametrize("source, message", [
    ("riga\n{{ kpi.nessuna.scostamento }}", "text/a.md, line 2: table 'kpi' has no row 'nessuna'; rows: deflusso, costi"),
    ("{{ kpi.deflusso.nulla }}", "text/a.md, line 1: table 'kpi', row 'deflusso' has no column 'nulla'"),
    ("\n\n{{ tabella.riga.colonna }}", "text/a.md, line 3: unknown table 'tabella' in a placeholder"),
    ("{{ ''.__class__.__mro__ }}", "text/a.md, line 1: not allowed in a narrative"),
    ("{% include '/etc/passwd' %}", "text/a.md, line 1: a narrative cannot include other files"),
    ("{{ kpi.deflusso }}", "text/a.md, line 1: a placeholder must name a figure"),
    ("{{ kpi. }}", "text/a.md, line 1: placeholder syntax"),
])
def test_errors_name_file_and_line(renderer, source, message):
    with pytest.raises(InputError) as info:
        renderer.render("text/a.md", source)
    assert str(info.value).startswith(message)


ONE_TEXT_REPORT = """\
    administration: Ente
    year: 2024
    title: Relazione
    sections:
      - {id: s, title: S, blocks: [{text: text/s.md}]}
"""

QUOTE_SCHEMA = """\
    title: Quote
    key: id
    columns:
      id: {type: text, required: true}
      n: {type: integer}
      importo: {type: euro}
      quota: {type: percent}
"""


def _compiled_text(tmp_path, text: str):
    """A one-section project whose narrative is ``text``, over a table ``q`` with one row ``top``."""
    from reportgen.project import compile_project
    from tests.conftest import write_project

    return compile_project(write_project(tmp_path / "p", ONE_TEXT_REPORT, {
        "data/q.schema.yaml": QUOTE_SCHEMA, "data/q.csv": "id;n;importo;quota\ntop;157;100;12,5\n",
        "text/s.md": text}))


def test_arithmetic_on_figures_in_the_narrative(tmp_path):
    """{{ a + 43 }}, {{ 100 - quota | pct }}: the filter applies first in Jinja, the arithmetic
    goes on under the format; the unit (percentage points) and the rounding are kept."""
    text = ("Schede: {{ q.top.n + 43 }}. Resto: {{ 100 - q.top.quota | pct }}. "
            "Doppio: {{ (q.top.quota * 2) | pct(1) }}. Somma: {{ q.top.n + q.top.n }}.\n")
    narrative = _compiled_text(tmp_path, text).report.sections[0].blocks[0].narrative.text
    assert "Schede: 200." in narrative
    assert "Resto: 87,50\u00a0%." in narrative
    assert "Doppio: 25,0\u00a0%" in narrative
    assert "Somma: 314." in narrative


def test_arithmetic_on_different_units_is_an_error_naming_the_file(tmp_path):
    from reportgen.errors import InputErrors

    with pytest.raises(InputErrors) as caught:
        _compiled_text(tmp_path, "{{ q.top.importo + q.top.quota }}\n")
    assert "text/s.md" in str(caught.value) and "cannot add euro and percent figures" in str(caught.value)


@pytest.mark.parametrize("source", [
    "Testo semplice.\n",
    "Senza a capo finale",
    "Righe\r\nda Windows\r\ne da Mac\rvecchio\r\n",
    "Graffe sole: } }} %} #} e {  { % — nessun segnaposto.\n\n",
    "Unicode: perché €1.000 “virgolette” — àèìòù\n",
    "",
    "\n\n",
])
def test_a_text_without_placeholders_is_what_jinja_gives_back(renderer, source):
    # such a text is not compiled as a template (most texts have no placeholder): it must come
    # out exactly as Jinja would give it
    by_jinja = renderer._environment("text/a.md", source).get_template("text/a.md").render(renderer.context)
    out = renderer.render("text/a.md", source)
    assert out.text == renderer.formatter.typed_percents(by_jinja)
    assert out.text == source.replace("\r\n", "\n").replace("\r", "\n")
