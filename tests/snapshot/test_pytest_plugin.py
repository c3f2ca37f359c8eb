"""The pytest plugin an administration uses in its own test suite."""

from __future__ import annotations

pytest_plugins = ["pytester"]

HTML = "<html lang='it'><body><h1>Premessa</h1><p>{text}</p><h1 style='break-before:page'>Risultati</h1><p>124,04</p></body></html>"


def _pdf(path, text):
    from weasyprint import HTML as Html

    Html(string=HTML.format(text=text)).write_pdf(str(path))


def test_plugin_stores_compares_and_reports(pytester, tmp_path):
    pdf = tmp_path / "relazione.pdf"
    _pdf(pdf, "Il valore pubblico è 124,04.")
    pytester.makepyfile(f"""
        def test_relazione(report_snapshot):
            report_snapshot.assert_match(r"{pdf}")
    """)
    assert pytester.runpytest().ret == 1  # no snapshot yet: fails, telling how to create it
    assert pytester.runpytest("--snapshot-update").ret == 0
    assert pytester.runpytest().ret == 0
    _pdf(pdf, "Il valore pubblico è 124,05.")
    result = pytester.runpytest()
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*report snapshot differs*", "*page premessa#1 (page 1) matches*"])
