"""Issue 20, item 14: ``diff --rev`` over a committed tree holding links that leave it (absolute,
or with ``..`` past the top): the links are not extracted and nothing outside is read; one line
and exit 2 when the link was an input, a diff otherwise; never a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.hostile.conftest import SECRET


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args], check=True,
                   capture_output=True)


def _commit(h, link: str, target: str) -> None:
    _git(h.project, "init", "-q")
    path = h.project / link
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, path)
    _git(h.project, "add", "-A")
    _git(h.project, "commit", "-q", "-m", "bozza")


CASES = {
    "stray-absolute": ("notes.txt", "SECRET_ABS", True),
    "stray-escaping": ("notes.txt", "../outside/secret.txt", True),
    "stray-deep-escaping": ("img/a/b.png", "../../../../../../../../../../etc/passwd", True),
    "csv-absolute": ("data/kpi.csv", "SECRET_ABS", False),
    "csv-escaping": ("data/kpi.csv", "../../outside/secret.txt", False),
    "narrative-escaping": ("text/risultati.md", "../../outside/secret.txt", False),
    "data-folder-absolute": ("data", "SECRET_DIR", False),
}


@pytest.mark.parametrize("case", CASES)
def test_diff_rev_over_links_leaving_the_tree(hostile, case):
    hostile.make()
    link, target, ok = CASES[case]
    target = target.replace("SECRET_ABS", str(hostile.secret)).replace("SECRET_DIR", str(hostile.secret.parent))
    _commit(hostile, link, target)
    run = hostile.run("diff", "--rev", "HEAD", str(hostile.project), "--no-pages", timeout=120)
    # the working tree holds the same links: its side is refused by the loader in the same words
    assert SECRET not in run.stdout + run.stderr
    hostile.assert_safe(run, (link,))
    if ok:
        assert run.code == 0, run.stderr[-2000:]
