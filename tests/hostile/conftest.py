"""The hostile-input suite: every case is a tiny one-section, one-table project that one input
makes hostile, built by the command line in a child process with a time limit, a memory cap
and an audit hook that logs every file Python opens.

Each case must end in exit 0 with a safe result or exit 2 with one message naming the input;
never a traceback, never a file opened outside the places a build may read (see ALLOWED).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import MINI_CSV, MINI_REPORT, MINI_SCHEMA, write_project

ROOT = Path(__file__).resolve().parents[2]
MEMORY_CAP = 2 * 1024 ** 3  # bytes of address space: a case that tries to fill the memory fails fast
TIMEOUT = 60  # seconds: a hang is a failure, not a stuck suite
SECRET = "SECRET-TOKEN-5f1c"  # the text of the file outside the project that no output may show

# The child: an audit hook logs every path Python opens (its workers inherit it by fork), then
# the command line runs as `reportgen …` would. RG_FONTTOOLS makes WeasyPrint subset with
# fontTools, as on a machine without libharfbuzz-subset.
BOOTSTRAP = textwrap.dedent("""
    import os, sys
    _log = open(os.environ["RG_OPEN_LOG"], "a", encoding="utf-8")
    def _hook(event, args):
        if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
            name = os.fsdecode(args[0])
            # a bare name is opened relative to a folder descriptor (shutil.rmtree, os.fwalk) the
            # event does not show: logged as it is, not resolved against the working directory
            _log.write((name if os.sep not in name and name not in (".", "..") else os.path.abspath(name)) + "\\n")
            _log.flush()
    sys.addaudithook(_hook)
    if os.environ.get("RG_DENY_WRITES"):
        # a file system that refuses writes under one folder (read-only, or full): the system
        # call fails with that errno, as it would, without needing a mount or a non-root user
        import errno
        _code, _, _folder = os.environ["RG_DENY_WRITES"].partition(":")
        _code = getattr(errno, _code)
        _WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
        _CHANGE = {"os.rename": 2, "os.link": 2, "os.symlink": 2, "os.remove": 1, "os.rmdir": 1, "os.mkdir": 1,
                   "os.truncate": 1, "os.chmod": 1, "os.utime": 1}
        def _deny(event, args):
            if event == "open":
                mode, flags = args[1], args[2]
                paths = args[:1] if (isinstance(mode, str) and set(mode) & set("wax+")) or (
                    isinstance(flags, int) and flags & _WRITE) else ()
            else:
                paths = args[:_CHANGE.get(event, 0)]
            for path in paths:
                if isinstance(path, (str, bytes, os.PathLike)):
                    full = os.path.abspath(os.fsdecode(path))
                    if full == _folder or full.startswith(_folder + os.sep):
                        raise OSError(_code, os.strerror(_code), full)
        sys.addaudithook(_deny)
    if os.environ.get("RG_FONTTOOLS"):
        import weasyprint.pdf.fonts
        weasyprint.pdf.fonts.harfbuzz_subset = None
    from reportgen.cli import main
    sys.argv[0] = "reportgen"
    main()
""")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a case that takes several seconds (deselect with -m 'not slow')")


def _python_places() -> list[Path]:
    # the interpreter, its standard library and the venv's packages: imports and their data
    places = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.exec_prefix), Path(sys.executable).resolve().parent}
    places.update(Path(p) for p in sys.path if p and Path(p).is_dir() and not Path(p).resolve().is_relative_to(ROOT))
    return [p.resolve() for p in places]


def _limit_child() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    os.setsid()  # its own group: the suite can stop it and any worker it forked


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    opened: list[str]
    project: Path
    out: Path

    def errors(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("error:")]


class Hostile:
    """Makes and runs the cases of one test (one ``tmp_path``)."""

    def __init__(self, tmp_path: Path, cache_home: Path):
        self.tmp = tmp_path
        self.cache_home = cache_home
        self.project = tmp_path / "p"
        self.out = tmp_path / "out"
        self.secret = tmp_path / "outside" / "secret.txt"
        self.secret.parent.mkdir(parents=True, exist_ok=True)
        self.secret.write_text(f"{SECRET}\n", encoding="utf-8")

    def make(self, narrative: str = "Deflusso: {{ kpi.deflusso.scostamento | pct }}.\n", csv: str = MINI_CSV,
             report: str = MINI_REPORT, schema: str = MINI_SCHEMA, extra: dict | None = None) -> Path:
        files = {"data/kpi.schema.yaml": schema, "data/kpi.csv": csv, "text/risultati.md": narrative, **(extra or {})}
        return write_project(self.project, report, files)

    def run(self, *args: str, package: Path = ROOT, env: dict | None = None, timeout: int = TIMEOUT) -> Run:
        log = self.tmp / "opened.log"
        log.unlink(missing_ok=True)
        scratch = self.tmp / "scratch"  # the child's temporary folder (tempfile probes it at start)
        scratch.mkdir(exist_ok=True)
        environment = {**os.environ, "PYTHONPATH": str(package), "RG_OPEN_LOG": str(log), "TMPDIR": str(scratch),
                       "MPLCONFIGDIR": str(self.cache_home / "mpl"), "XDG_CACHE_HOME": str(self.cache_home),
                       "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
        if not (env or {}).get("RG_FONTTOOLS"):
            environment.pop("RG_FONTTOOLS", None)
        try:
            done = subprocess.run([sys.executable, "-c", BOOTSTRAP, *args], cwd=self.tmp, env=environment,
                                  capture_output=True, text=True, timeout=timeout, preexec_fn=_limit_child)
        except subprocess.TimeoutExpired as exc:
            pytest.fail(f"reportgen {' '.join(args)} did not end within {timeout} s: {exc.stderr!r}")
        opened = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
        return Run(done.returncode, done.stdout, done.stderr, opened, self.project, self.out)

    def build(self, *options: str, formats: str = "pdf", **kwargs) -> Run:
        return self.run("build", str(self.project), "--out", str(self.out), "--format", formats, "--jobs", "1",
                        *options, **kwargs)

    def check(self, **kwargs) -> Run:
        return self.run("check", str(self.project), **kwargs)

    # -- what every case asserts

    EARLIER = b"%PDF- an earlier build's output"

    def seed_earlier(self, name: str = "p.pdf") -> None:
        """An output of an earlier build, which a build ending in exit 2 must leave as it was."""
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / name).write_bytes(self.EARLIER)

    def assert_earlier_intact(self, run: Run, name: str = "p.pdf") -> None:
        if run.code != 0:
            assert (self.out / name).read_bytes() == self.EARLIER

    def allowed(self, package: Path = ROOT) -> list[Path]:
        """Where a build may open files: the project, its output folder, reportgen's own code,
        templates and fonts, the Python installation, this run's caches (matplotlib, fontconfig)
        and a few system files no project can choose (the ``system`` prefixes of :meth:`assert_contained`)."""
        return [self.project.resolve(), self.out.resolve(), *(package / n for n in ("reportgen", "templates", "assets")),
                *_python_places(), self.cache_home.resolve(), (self.tmp / "scratch").resolve()]

    def assert_contained(self, run: Run, package: Path = ROOT) -> None:
        allowed = self.allowed(package)
        # no project can choose these: kernel views, the MIME table and time zones Python reads,
        # and the system fonts matplotlib lists once when its font cache is first built
        system = ("/proc/", "/sys/", "/dev/null", "/dev/urandom", "/etc/mime.types", "/etc/localtime",
                  "/usr/share/zoneinfo/", "/usr/share/fonts/")
        outside = []
        for name in dict.fromkeys(run.opened):
            if not os.path.isabs(name):  # an entry of a folder opened by its path, which is checked itself
                continue
            try:  # where the path leads: a link inside the project to a file outside is outside
                real = Path(name).resolve()
            except (OSError, RuntimeError):
                real = Path(name)
            if not (str(real).startswith(system) or any(real.is_relative_to(p) for p in allowed)):
                outside.append(f"{name} -> {real}")
        assert not outside, f"opened outside the project: {outside[:10]}"

    def assert_safe(self, run: Run, names: tuple[str, ...] = (), ok: bool | None = None,
                    package: Path = ROOT) -> None:
        """Exit 0 (nothing of the secret in the outputs) or exit 2 with error lines, one
        naming one of ``names``; never a traceback; nothing opened outside."""
        assert "Traceback" not in run.stderr, run.stderr[-3000:]
        assert run.code in (0, 2), (run.code, run.stderr[-3000:])
        if ok is not None:
            assert (run.code == 0) == ok, run.stderr[-2000:]
        if run.code == 2:
            errors = run.errors()
            assert errors, run.stderr
            if names:
                assert any(name in error for error in errors for name in names), (names, errors)
        else:
            for path in self.out.glob("*") if self.out.is_dir() else ():
                if path.is_file():
                    assert SECRET not in output_text(path)
        self.assert_contained(run, package)


def output_text(path: Path) -> str:
    """What a reader of an output sees: a PDF's text, a deck's XML, any other file's bytes."""
    if path.suffix == ".pdf":
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(str(path))
        try:
            return " ".join(page.get_textpage().get_text_bounded() for page in document)
        finally:
            document.close()
    if path.suffix == ".pptx":
        import zipfile

        with zipfile.ZipFile(path) as deck:
            return " ".join(deck.read(name).decode("utf-8", "replace") for name in deck.namelist())
    return path.read_bytes().decode("utf-8", "replace")


@pytest.fixture(scope="session")
def cache_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("caches")


@pytest.fixture
def hostile(tmp_path, cache_home) -> Hostile:
    return Hostile(tmp_path, cache_home)
