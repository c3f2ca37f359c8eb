"""Where the bundled templates and assets are: beside the package in a source checkout or
an editable install, inside the package in a wheel (see ``pyproject.toml``)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _locate(name: str) -> Path:
    for candidate in (_PACKAGE / f"_{name}", _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"reportgen's bundled '{name}' folder is missing; reinstall reportgen")


def templates_dir() -> Path:
    return _locate("templates")


def assets_dir() -> Path:
    return _locate("assets")


def font_path(style: str = "Regular") -> Path:
    return assets_dir() / "fonts" / f"TitilliumWeb-{style}.ttf"
