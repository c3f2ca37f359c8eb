"""A command pays only for what it uses: the command line and `reportgen check` import none of
the renderers (WeasyPrint, matplotlib, python-pptx, pandas, pikepdf, openpyxl): about a second
of imports that `--help` and a check would spend before doing anything."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("weasyprint", "matplotlib", "pptx", "pandas", "pikepdf", "openpyxl")
_LIST = f"sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))"


def _imported(code: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", f"import sys\n{code}\nprint({_LIST}, file=sys.stderr)"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    return done.stderr.strip().splitlines()[-1]


def test_the_command_line_imports_no_renderer():
    assert _imported("import reportgen.cli") == "[]"


@pytest.mark.slow
def test_help_and_check_import_no_renderer():
    run = "from reportgen.cli import main\ntry:\n    main({args})\nexcept SystemExit:\n    pass"
    assert _imported(run.format(args="['--help']")) == "[]"
    assert _imported(run.format(args="['check', 'sample_data/abstract-2023']")) == "[]"
    # and the check did its work: the project was read (a sample that is not ready has findings)
    assert "reportgen.content" in _imported_modules(run.format(args="['check', 'sample_data/abstract-2023']"))


def _imported_modules(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", f"import sys\n{code}\nprint(sorted(sys.modules), file=sys.stderr)"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    return done.stderr.strip().splitlines()[-1]


@pytest.mark.slow
def test_a_build_leaves_the_renderers_to_its_workers(tmp_path):
    # the merged document comes back as plain data: reading it imports no pikepdf here
    build = (f"from reportgen.cli import main\ntry:\n    main(['build', 'sample_data/abstract-2023', '--out', "
             f"{str(tmp_path)!r}, '--jobs', '2', '--format', 'pdf'])\nexcept SystemExit:\n    pass")
    assert _imported(build) == "[]"
    assert (tmp_path / "abstract-2023.pdf").read_bytes().startswith(b"%PDF")


def _loaded(name: str) -> bool:
    return name in sys.modules


@pytest.mark.slow
def test_workers_import_the_charts_for_a_cold_build_and_never_the_deck():
    # in a fresh process: forked workers would inherit whatever this one has imported; the deck
    # is made in the build's own process, beside the workers (Workers.submit_here)
    code = ("import sys\nfrom reportgen.pipeline import Workers, preload_for\n"
            "from tests.build.test_startup import _loaded\n"
            "for cold in (False, True):\n"
            "    workers = Workers(2, preload_for(cold)).start()\n"
            "    print(cold, workers.submit(_loaded, 'pptx').result(), workers.submit(_loaded, 'matplotlib').result(),"
            " workers.submit_here(_loaded, 'pptx').result(), 'matplotlib' in sys.modules)\n"
            "    workers.close()\n")
    assert _printed(code).split("\n")[:2] == ["False False False False False", "True False True False False"]


def test_weasyprint_is_imported_without_searching_for_its_libraries():
    # in a fresh process: the search (ldconfig, gcc, ld for every library name) costs ~0,3 s
    code = ("import ctypes.util, sys\nsearched = []\nsearch = ctypes.util.find_library\n"
            "ctypes.util.find_library = lambda name: searched.append(name) or search(name)\n"
            "from reportgen.render.pdf import import_weasyprint\nimport_weasyprint()\n"
            "print(list(searched), 'weasyprint.text.ffi' in sys.modules, ctypes.util.find_library('c') is not None)")
    assert _printed(code).split() == ["[]", "True", "True"]  # and the search is back for everyone else


def _printed(code: str) -> str:
    """What ``code`` prints, run in a fresh process."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    return done.stdout
