"""Issue 20, items 6 and 13: a narrative cannot make the build work or allocate without bound,
and nothing it prints holds a memory address."""

from __future__ import annotations

import re

import pytest

from tests.hostile.conftest import output_text

FILE = "text/risultati.md"

# each must end in exit 2 naming the narrative, within the time and memory limits
REFUSED = {
    "nested-range": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "triple-range": "{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(1000) %}"
                    "{% endfor %}{% endfor %}{% endfor %}",
    "range-too-long": "{% for i in range(10**10) %}{% endfor %}",
    "nested-string-loops": "{% for c in 'abcd' * 1000 %}{% for d in 'abcd' * 1000 %}{% endfor %}{% endfor %}",
    "lipsum-call": "{{ lipsum(200000) }}",
    "string-repeat": "{{ 'a' * 10**10 }}",
    "string-repeat-right": "{{ 10**10 * 'a' }}",
    "list-repeat": "{{ [1] * 10**9 }}",
    "tuple-repeat": "{% for x in (1,) * 10**9 %}{% endfor %}",
    "huge-power": "{{ 2 ** 100000000 }}",  # Jinja's ** groups from the left: 2 ** 10 ** 8 is (2 ** 10) ** 8
    "power-tower": "{{ (10 ** 10) ** (10 ** 10) }}",
    "long-word": "x" * 300_000,
    "long-word-built": "{{ 'x' * 300000 }}",
    "long-word-joined": "{% for i in range(3000) %}{{ 'abc' }}{% endfor %}",
    "output-too-large": "{% for i in range(100000) %}{{ 'parola ' * 10 }}{% endfor %}",
    "macro-recursion": "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    "macro-doubling": "{% macro f(s) %}{{ f(s ~ s) }}{% endmacro %}{{ f('a') }}",
    "macro-fanout": "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}",
    "concat-doubling": "{% set a = 'aaaaaaaaaa' %}" + "{% set a = a ~ a %}" * 40 + "{{ a | length }}",
    "plus-doubling": "{% set a = 'aaaaaaaaaa' %}" + "{% set a = a + a %}" * 40 + "{{ a | length }}",
    "format-width": "{{ '%999999999d' % 1 }}",
    "str-method-ljust": "{{ 'a'.ljust(10**9) }}",
    "str-method-format": "{{ '{:>999999999}'.format(1) }}",
    "str-method-replace": "{{ 'aaaa'.replace('a', 'b' * 400000) }}",
    "filter-center": "{{ 'a' | center(10**9) }}",
    "filter-indent": "{{ 'a\nb' | indent(10**9) }}",
    "filter-wordwrap": "{{ 'a' | wordwrap(10**9) }}",
    "filter-format": "{{ '%s' | format('x') }}",
    "filter-replace": "{{ 'aaaa' | replace('a', 'bbbb') }}",
    "filter-pprint": "{{ range | pprint }}",
    "lipsum": "{{ lipsum }}",
    "joiner": "{{ joiner }}",
    "cycler": "{{ cycler }}",
    "namespace": "{{ namespace }}",
    "joiner-call": "{% set j = joiner(',') %}{{ j() }}",
    "cycler-call": "{{ cycler('a', 'b').next() }}",
    "namespace-call": "{% set ns = namespace(a=1) %}{{ ns.a }}",
    "range-printed": "{{ range }}",
    "dict-printed": "{{ dict }}",
    "method-printed": "{{ 'x'.upper }}",
    "macro-printed": "{% macro f() %}{% endmacro %}{{ f }}",
    "self-printed": "{{ self }}",
    "loop-cycle": "{% for i in range(2) %}{{ loop.cycle('a', 'b') }}{% endfor %}",
    "recursive-loop": "{% for i in [1] recursive %}{{ loop([1]) }}{% endfor %}",
    "dunder": "{{ ''.__class__.__mro__ }}",
    "include": "{% include 'report.yaml' %}",
    "image-nul": "![x](img/a%00.png)",
    "image-5000-characters": "![x](" + "a" * 5000 + ".png)",
    "image-long-path": "![x](" + "abcdefgh/" * 120 + "x.png)",
    "image-outside-encoded": "![x](%2e%2e/%2e%2e/etc/passwd)",
    "import": "{% import 'report.yaml' as r %}",
}

# each is allowed and prints this text
ACCEPTED = {
    "small-loop": ("{% for i in range(3) %}{{ i }}{% endfor %}", "012"),
    "small-repeat": ("{{ 'ab' * 3 }}", "ababab"),
    "small-power": ("{{ 2 ** 10 }}", "1024"),
    "macro": ("{% macro f(x) %}<{{ x }}>{% endmacro %}{{ f('ciao') }}", "<ciao>"),
    "filters": ("{{ 'ciao' | upper }} {{ [1, 2, 3] | join('-') }} {{ 'abc' | length }}", "CIAO 1-2-3 3"),
    "figure": ("Deflusso: {{ kpi.deflusso.scostamento | pct }}.", "Deflusso:"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_narrative_beyond_the_limits_is_refused(hostile, case):
    hostile.make(narrative=REFUSED[case])
    run = hostile.build(timeout=40)
    hostile.assert_safe(run, (FILE,), ok=False)
    assert len(run.errors()) == 1, run.errors()


@pytest.mark.parametrize("case", ACCEPTED)
def test_narrative_within_the_limits_is_built(hostile, case):
    source, expected = ACCEPTED[case]
    hostile.make(narrative=source + "\n")
    run = hostile.build(timeout=40)
    hostile.assert_safe(run, ok=True)
    text = output_text(hostile.out / "p.pdf")
    assert expected in text
    assert not re.search(r"0x[0-9a-f]{6,}", text)


@pytest.mark.parametrize("name", ["a" * 300 + ".png", "img/" + "b" * 250 + ".png", "img/ä%20b.png"])
def test_odd_image_names_end_well(hostile, name):
    hostile.make(narrative=f"Testo.\n\n![x]({name})\n")
    hostile.assert_safe(hostile.build(timeout=40), (FILE,))


FILE_URLS = ["file:///etc/passwd", "(file:///etc/passwd)", "file://{secret}", "file://{secret}?x=1"]


@pytest.mark.parametrize("where", ["narrative", "data-cell"])
@pytest.mark.parametrize("url", FILE_URLS)
def test_file_urls_in_text_are_never_read(hostile, url, where):
    url = url.format(secret=hostile.secret.as_posix())
    if where == "narrative":
        hostile.make(narrative=f"Vedi {url} e anche `{url}`.\n")
    else:
        hostile.make(narrative="Deflusso: {{ kpi.deflusso.indicatore }}.\n")
        csv = (hostile.project / "data" / "kpi.csv").read_text().replace("Indice di deflusso", url)
        (hostile.project / "data" / "kpi.csv").write_text(csv)
    run = hostile.build(timeout=40)
    hostile.assert_safe(run, ok=True)
