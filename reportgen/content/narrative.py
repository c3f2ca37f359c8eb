"""Narrative: Markdown written by several authors, with placeholders for computed figures.

The source is untrusted. It is rendered by a sandboxed Jinja environment that can only read
figures (``{{ ieep.ieep_accertato.scostamento | pct }}``): no attribute starting with an
underscore, no calls, no imports. Every value it prints is backslash-escaped for Markdown,
so a data cell such as ``[x](http://…)`` or ``<img …>`` stays literal text. The Markdown is
then parsed with raw HTML disabled. The result is an HTML fragment for the PDF and plain
paragraphs for the slides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlparse

from jinja2 import BaseLoader, StrictUndefined, TemplateNotFound, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markdown_it import MarkdownIt

from ..engine import EngineResult, Figure, Row, Table
from ..errors import InputError, Location, ReportgenError
from ..formatting import Formatter

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~&\"'])")


class LookupProblem(ReportgenError):
    """A placeholder names a table, row or column that does not exist."""


def md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


class RowView:
    """A table row as seen by a placeholder: ``row.column`` gives the figure."""

    def __init__(self, table: Table, row: Row):
        self._table = table
        self._row = row

    def __getattr__(self, column: str) -> Figure:
        figure = self._row.figures.get(column)
        if figure is None:
            columns = ", ".join(self._row.figures)
            raise LookupProblem(f"table '{self._table.id}', row '{self._row.id}' has no column '{column}'; "
                                f"columns: {columns}")
        return figure

    __getitem__ = __getattr__


class TableView:
    """A table as seen by a placeholder: ``table.row`` gives the row."""

    def __init__(self, table: Table):
        self._table = table

    def __getattr__(self, row_id: str) -> RowView:
        row = self._table.row(row_id)
        if row is None:
            rows = ", ".join(r.id for r in self._table.rows)
            raise LookupProblem(f"table '{self._table.id}' has no row '{row_id}'; rows: {rows}")
        return RowView(self._table, row)

    __getitem__ = __getattr__


class _SourceLoader(BaseLoader):
    """One in-memory source whose file name reaches the compiled code, so that errors raised
    while rendering can be traced back to a line of the narrative file."""

    def __init__(self, file: str, source: str):
        self.file = file
        self.source = source

    def get_source(self, environment, template):
        if template != self.file:
            raise TemplateNotFound(template)  # narratives cannot include other files
        return self.source, self.file, lambda: True


@dataclass(frozen=True, slots=True)
class RenderedNarrative:
    file: str
    html: str  # HTML fragment, safe to embed
    blocks: tuple[tuple[str, str], ...]  # (heading / bullet / paragraph, plain text), for slides
    text: str  # the Markdown after interpolation, for word-level diffs

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """Plain text per block (bullets marked with •), for speaker notes and summaries."""
        return tuple(f"• {text}" if kind == "bullet" else text for kind, text in self.blocks)


class NarrativeRenderer:
    """Renders narrative files against one engine result, in one locale style."""

    def __init__(self, result: EngineResult, formatter: Formatter, root: Path | None = None):
        self.formatter = formatter
        self.root = root
        self.context = {tid: TableView(table) for tid, table in result.tables.items()}
        self.markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
        self.markdown.enable("table")
        # A published report is read offline and must not lead readers elsewhere through text
        # typed by any author: [text](url) and <url> stay literal text.
        self.markdown.disable(["link", "autolink"])

    def _environment(self, file: str, source: str) -> ImmutableSandboxedEnvironment:
        env = ImmutableSandboxedEnvironment(
            loader=_SourceLoader(file, source),
            undefined=StrictUndefined,
            autoescape=False,  # the output is Markdown: values are Markdown-escaped in finalize
            finalize=self._finalize,
            keep_trailing_newline=True,
        )
        fmt = self.formatter
        env.filters.update({
            "pct": lambda f, decimals=2: _Formatted(fmt.percent(_number(f), decimals, _signed(f))),
            "num": lambda f, decimals=None: _Formatted(fmt.number(_number(f), _decimals(f, decimals), _signed(f))),
            "int": lambda f: _Formatted(fmt.integer(_number(f), _signed(f))),
            "eur": lambda f, decimals=2: _Formatted(fmt.euro(_number(f), decimals, signed=_signed(f))),
            "abs": lambda f: _Modified(f, value=abs(_number(f)) if _number(f) is not None else None, signed=False),
            "unsigned": lambda f: _Modified(f, signed=False),
        })
        return env

    def _finalize(self, value: Any) -> str:
        if isinstance(value, _Formatted):
            return md_escape(value.text)
        if isinstance(value, (Figure, _Modified)):
            return md_escape(self.formatter.figure(value))
        if isinstance(value, (TableView, RowView)):
            raise LookupProblem("a placeholder must name a figure: {{ table.row.column }}")
        return md_escape(str(value))

    def render(self, file: str, source: str, section_level: int = 0) -> RenderedNarrative:
        """Render one narrative. Its headings are nested under the section's own heading:
        the shallowest one becomes level ``section_level + 1``, so the document's heading
        hierarchy never skips a level whatever the author wrote (# or ###)."""
        try:
            env = self._environment(file, source)
            text = env.get_template(file).render(self.context)
        except TemplateSyntaxError as exc:
            raise InputError(f"placeholder syntax: {exc.message}", Location(file, line=exc.lineno)) from None
        except SecurityError as exc:
            line = _template_line(exc.__traceback__, file)
            raise InputError(f"not allowed in a narrative: {exc}", Location(file, line=line)) from None
        except TemplateNotFound as exc:
            line = _template_line(exc.__traceback__, file)
            raise InputError(f"a narrative cannot include other files ('{exc.name}')",
                             Location(file, line=line)) from None
        except UndefinedError as exc:
            line = _template_line(exc.__traceback__, file)
            message = str(exc)
            match = re.match(r"'(\w+)' is undefined", message)
            if match:
                message = f"unknown table '{match.group(1)}' in a placeholder"
            raise InputError(message, Location(file, line=line)) from None
        except (LookupProblem, TypeError, ValueError, ArithmeticError) as exc:
            line = _template_line(exc.__traceback__, file)
            raise InputError(str(exc), Location(file, line=line)) from None
        text = self.formatter.typed_percents(text)  # "3%" typed in the text, as the figures print
        tokens = self.markdown.parse(text)
        self._check_images(file, tokens)
        _nest_headings(tokens, section_level)
        html = self.markdown.renderer.render(tokens, self.markdown.options, {})
        return RenderedNarrative(file, html, tuple(_blocks(tokens)), text)


    def _check_images(self, file: str, tokens) -> None:
        """Images may only be files inside the project folder (an organisation chart, a logo)."""
        for token in tokens:
            for child in token.children or []:
                if child.type != "image":
                    continue
                source = str(child.attrs.get("src", ""))
                parsed = urlparse(source)
                inside = self.root is not None and not parsed.scheme and not source.startswith("/") and \
                    (self.root / unquote(parsed.path)).resolve().is_relative_to(self.root.resolve())
                if not inside:
                    line = token.map[0] + 1 if token.map else None
                    raise InputError(f"image '{source}': only images inside the project folder can be shown",
                                     Location(file, line=line))


@dataclass(frozen=True, slots=True)
class _Formatted:
    text: str


class _Modified:
    """A figure seen through ``abs`` or ``unsigned``: same figure, another value or sign."""

    def __init__(self, figure: Any, value: Any = ..., signed: bool | None = None):
        base = figure.figure if isinstance(figure, _Modified) else figure
        self.figure = base
        self.type = base.type
        self.decimals = base.decimals
        self.value = base.value if value is ... else value
        self.signed = base.signed if signed is None else signed


def _number(value: Any):
    if isinstance(value, (Figure, _Modified)):
        return value.value
    raise TypeError(f"a format filter needs a figure, not {value!r}")


def _signed(value: Any) -> bool:
    return bool(getattr(value, "signed", False))


def _decimals(value: Any, decimals: int | None) -> int:
    if decimals is not None:
        return decimals
    own = getattr(value, "decimals", None)
    return 2 if own is None else own


def _nest_headings(tokens, section_level: int) -> None:
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    if not levels:
        return
    shift = section_level + 1 - min(levels)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, max(1, int(token.tag[1]) + shift))}"


def _template_line(tb: TracebackType | None, file: str) -> int | None:
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == file:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _blocks(tokens) -> list[tuple[str, str]]:
    """Plain text of each heading, paragraph, list item and table row, with its kind."""
    result: list[tuple[str, str]] = []
    kind, in_list = "paragraph", 0
    for token in tokens:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            in_list += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            in_list -= 1
        elif token.type == "heading_open":
            kind = "heading"
        elif token.type == "inline":
            text = "".join(child.content if child.type != "softbreak" else " "
                           for child in (token.children or []) if child.type in ("text", "softbreak", "code_inline"))
            if text.strip():
                result.append((kind if kind == "heading" else "bullet" if in_list else "paragraph", text.strip()))
            kind = "paragraph"
    return result
