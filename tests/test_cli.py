"""The CLI contract: exit codes, one line per problem, nothing written on invalid input,
atomic outputs, help that explains every option."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_help_explains_every_option():
    assert run("--help").exit_code == 0
    text = run("build", "--help").output
    for option in ("--out", "--format", "--section", "--quiet"):
        assert option in text


def test_mini_project_builds_and_prints_paths(mini_project, tmp_path):
    out = tmp_path / "out"
    result = run("build", str(mini_project), "--out", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [str(out / "mini.pdf"), str(out / "mini.pptx")]
    assert (out / "mini.pdf").read_bytes().startswith(b"%PDF")


def test_broken_sample_gives_one_clear_line_per_problem(sample_copy, tmp_path):
    # a text in a numeric column, a missing column, an unknown section id
    ieep = sample_copy / "data" / "ieep.csv"
    ieep.write_text(ieep.read_text(encoding="utf-8").replace("89.348.630,21", "ottantanove milioni"), encoding="utf-8")
    personale = sample_copy / "data" / "personale_area.csv"
    lines = personale.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(";")
    drop = header.index("m_2024")
    personale.write_text("\n".join(";".join(c for i, c in enumerate(line.split(";")) if i != drop)
                                   for line in lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("build", str(sample_copy), "--out", str(out), "--section", "nessuna")
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 3
    assert errors[0].startswith("error: report.yaml: unknown section 'nessuna'; sections: premessa, ")
    assert errors[1:] == [
        "error: data/ieep.csv, row 7, column 'consuntivo': 'ottantanove milioni' is not a number; "
        "expected an amount such as 1.234.567,89",
        "error: data/personale_area.csv, row 1: missing required column 'm_2024'",
    ]
    assert result.stderr.splitlines()[-1] == "3 problems found; nothing was written."
    assert "Traceback" not in result.output
    assert not out.exists()


def test_unknown_format_and_missing_project(tmp_path, mini_project):
    result = run("build", str(mini_project), "--format", "docx", "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert "unknown output format docx; use pdf, pptx" in result.stderr
    result = run("build", str(tmp_path / "assente"), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert "is not a folder" in result.stderr


def test_failed_build_leaves_earlier_outputs_intact(mini_project, tmp_path):
    out = tmp_path / "out"
    assert run("build", str(mini_project), "--out", str(out), "-q").exit_code == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    # the PDF, the deck, the page map of the full build, the build's record and its cache entries
    assert {p for p in before if ".reportgen" not in p.parts} == {Path("mini.pdf"), Path("mini.pptx")}
    assert Path(".reportgen/mini.pages.json") in before
    (mini_project / "data" / "kpi.csv").write_text("id;indicatore;obiettivo;consuntivo\nx;X;uno;2\n")
    assert run("build", str(mini_project), "--out", str(out), "-q").exit_code == 2
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


@pytest.mark.slow
def test_section_build_is_deterministic(tmp_path):
    from tests.conftest import SAMPLE_2024

    first = run("build", str(SAMPLE_2024), "--out", str(tmp_path / "a"), "--section", "ieep", "-q")
    second = run("build", str(SAMPLE_2024), "--out", str(tmp_path / "b"), "--section", "ieep", "-q")
    assert first.exit_code == second.exit_code == 0
    for name in ("relazione-2024-ieep.pdf", "relazione-2024-ieep.pptx"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_every_command_output_ends_with_a_newline(mini_project, tmp_path):
    # a shell prompt must not start on the last line of the output, on stdout or stderr, in either language
    out = str(tmp_path / "out")
    runs = {
        "version": ["--version"],
        "build": ["build", str(mini_project), "--out", out, "--jobs", "1", "--format", "pdf"],
        "up to date": ["build", str(mini_project), "--out", out, "--jobs", "1", "--format", "pdf"],
        "check": ["check", str(mini_project)],
        "export": ["export", str(mini_project), "--out", out],
        "diff": ["diff", str(mini_project), str(mini_project), "--no-pages"],
        "invalid": ["build", str(tmp_path / "assente")],
        "workbook": ["workbook", str(mini_project), "--out", str(tmp_path / "w.xlsx")],
    }
    for lang in ("en", "it"):
        for name, args in runs.items():
            result = CliRunner().invoke(main, ["--lang", lang, *args], catch_exceptions=False)
            assert result.stdout or result.stderr, name
            for stream in (result.stdout, result.stderr):
                assert not stream or stream.endswith("\n"), f"{lang} {name}: {stream[-60:]!r}"
