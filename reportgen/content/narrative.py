"""Narrative: Markdown written by several authors, with placeholders for computed figures.

The source is untrusted. It is rendered by a sandboxed Jinja environment that can only read
figures (``{{ ieep.ieep_accertato.scostamento | pct }}``): no attribute starting with an
underscore, no calls, no imports. Every value it prints is backslash-escaped for Markdown,
so a data cell such as ``[x](http://…)`` or ``<img …>`` stays literal text. The Markdown is
then parsed with raw HTML disabled. The result is an HTML fragment for the PDF and plain
paragraphs for the slides.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlparse

from jinja2 import BaseLoader, StrictUndefined, TemplateNotFound, TemplateSyntaxError, UndefinedError, nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import Macro, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from ..engine import EngineResult, Figure, Row, Table
from ..engine.figures import combine
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


# What a narrative may do, so that a file written by anyone can neither hang a build nor fill
# its memory: nested loops over ``range``, ``'a' * 10**10``, a macro calling itself with its
# argument doubled, a 300.000-character word that the layout engine then breaks into lines.
MAX_STEPS = 200_000  # loop iterations and macro calls, over the whole narrative
MAX_TEXT = 500_000  # characters of any text it builds, and of what it prints
MAX_DEPTH = 25  # macros calling macros
MAX_WORD = 1_000  # characters without a space (the longest Italian word has 29)
MAX_POWER = 1_000  # the largest exponent of **
_LONG_WORD = re.compile(rf"\S{{{MAX_WORD + 1},}}")
# the filters a narrative has use for; the others can print memory addresses or build huge text
KEPT_FILTERS = ("abs", "capitalize", "count", "d", "default", "first", "join", "last", "length", "lower", "round",
                "title", "trim", "upper")


class NarrativeLimit(ReportgenError):
    """A narrative went past one of the limits above."""


def _environment_call(name: str, args: list, lineno: int) -> nodes.Call:
    return nodes.Call(nodes.EnvironmentAttribute(name, lineno=lineno), args, [], None, None, lineno=lineno)


class _Bounded(NodeTransformer):
    """Every loop counts its steps and every ``~`` checks what it builds: the template is
    rewritten before it is compiled, so there is no way around either."""

    def visit_For(self, node: nodes.For) -> nodes.For:
        node = self.generic_visit(node)
        node.iter = _environment_call("counted", [node.iter], node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Call:
        node = self.generic_visit(node)
        return _environment_call("joined", list(node.nodes), node.lineno)


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox with bounds on the work and the size of what a narrative makes. Calls are
    limited to its own macros and ``range``/``dict``; methods of values cannot be called."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options):
        super().__init__(**options)
        for name in ("lipsum", "joiner", "cycler", "namespace"):  # no use in a report, and they print addresses
            self.globals.pop(name, None)
        self.filters = {name: self.filters[name] for name in KEPT_FILTERS}
        self.tests = {name: test for name, test in self.tests.items() if name not in ("callable",)}
        self.steps = 0
        self.depth = 0

    def _parse(self, source, name, filename):
        return _Bounded().visit(super()._parse(source, name, filename))

    def _step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise NarrativeLimit(f"too much work: more than {MAX_STEPS} loop steps and macro calls")

    def counted(self, iterable):
        for item in iterable:
            self._step()
            yield item

    def joined(self, *parts) -> str:
        texts = [str(part) for part in parts]
        _check_length(sum(map(len, texts)))
        return "".join(texts)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - the names of Jinja's own signature
        if __obj == __self.counted:
            return __self.counted(*args)
        if __obj == __self.joined:
            return __self.joined(*args)
        allowed = isinstance(__obj, Macro) or __obj is __self.globals.get("range") or __obj is dict
        if not allowed:
            raise SecurityError("only the narrative's own macros, range and dict can be called")
        for value in (*args, *kwargs.values()):
            if isinstance(value, str | list | tuple):
                _check_length(len(value))
        __self._step()
        __self.depth += 1
        try:
            if __self.depth > MAX_DEPTH:
                raise NarrativeLimit(f"macros call each other more than {MAX_DEPTH} levels deep")
            result = super().call(__context, __obj, *args, **kwargs)
        finally:
            __self.depth -= 1
        if isinstance(result, str):
            _check_length(len(result))
        return result

    def call_binop(self, context, operator: str, left, right):
        sequences = (str, list, tuple)
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, sequences) and isinstance(times, int):
                    _check_length(len(seq) * max(times, 0))
        elif operator == "+":
            if isinstance(left, sequences) and isinstance(right, sequences):
                _check_length(len(left) + len(right))
        elif operator == "**":
            if isinstance(right, int | float | Decimal) and abs(right) > MAX_POWER:
                raise NarrativeLimit(f"an exponent larger than {MAX_POWER}")
        elif operator == "%" and isinstance(left, str):
            raise SecurityError("'%' formatting of text is not available in a narrative")
        return super().call_binop(context, operator, left, right)


def _check_length(length: int) -> None:
    if length > MAX_TEXT:
        raise NarrativeLimit(f"a text longer than {MAX_TEXT} characters")


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

    def __init__(self, result: EngineResult, formatter: Formatter, root: Path | None = None,
                 unit: dict[str, str] | None = None):
        self.formatter = formatter
        self.root = root
        self.context = {tid: TableView(table) for tid, table in result.tables.items()}
        if unit is not None:  # one document of a repeated project: {{ unit.nome }} (reportgen.batch)
            self.context["unit"] = dict(unit)
        self.markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
        self.markdown.enable("table")
        # A published report is read offline and must not lead readers elsewhere through text
        # typed by any author: [text](url) and <url> stay literal text.
        self.markdown.disable(["link", "autolink"])
        # [^1] footnotes, printed as the tables print theirs: a numbered marker, the notes after
        # the text (no links: a report is read on paper too; no ↩ glyph the bundled font lacks)
        self.markdown.use(footnote_plugin)
        rules = self.markdown.add_render_rule
        rules("footnote_ref", lambda self, tokens, idx, options, env: f'<sup class="fn">{_note_number(tokens[idx])}</sup>')
        rules("footnote_block_open", lambda *args: '<div class="footnotes">\n')
        rules("footnote_block_close", lambda *args: "</div>\n")
        rules("footnote_open", lambda self, tokens, idx, options, env:
              f'<div class="note footnote"><sup>{_note_number(tokens[idx])}</sup> ')
        rules("footnote_close", lambda *args: "</div>\n")
        rules("footnote_anchor", lambda *args: "")

    def _environment(self, file: str, source: str) -> ImmutableSandboxedEnvironment:
        env = _Sandbox(
            loader=_SourceLoader(file, source),
            undefined=StrictUndefined,
            autoescape=False,  # the output is Markdown: values are Markdown-escaped in finalize
            finalize=self._finalize,
            keep_trailing_newline=True,
        )
        env.filters.update({
            "pct": lambda f, decimals=2: _Shown.of(f, "pct", decimals),
            "num": lambda f, decimals=None: _Shown.of(f, "num", decimals),
            "int": lambda f: _Shown.of(f, "int", None),
            "eur": lambda f, decimals=2: _Shown.of(f, "eur", decimals),
            "abs": lambda f: _modified(f, value=abs(_number(f)) if _number(f) is not None else None, signed=False),
            "unsigned": lambda f: _modified(f, signed=False),
        })
        return env

    def _finalize(self, value: Any) -> str:
        if isinstance(value, _Shown):
            return md_escape(value.text(self.formatter))
        if isinstance(value, Figure):
            return md_escape(self.formatter.figure(value))
        if isinstance(value, (TableView, RowView)):
            raise LookupProblem("a placeholder must name a figure: {{ table.row.column }}")
        if isinstance(value, Undefined):
            return str(value)  # StrictUndefined: raises, naming what is undefined
        if not isinstance(value, str | int | float | Decimal):  # a function, a macro: its text names
            raise LookupProblem("a placeholder must print a figure or text")  # a memory address
        return md_escape(str(value))

    def render(self, file: str, source: str, section_level: int = 0) -> RenderedNarrative:
        """Render one narrative. Its headings are nested under the section's own heading:
        the shallowest one becomes level ``section_level + 1``, so the document's heading
        hierarchy never skips a level whatever the author wrote (# or ###)."""
        try:
            if _PLACEHOLDER.search(source):
                env = self._environment(file, source)
                text = _bounded_text(env.get_template(file).generate(self.context))
            else:  # what Jinja would give back, without compiling a template (most texts have none)
                text = _bounded_text([_NEWLINES.sub("\n", source)])
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
        except (LookupProblem, NarrativeLimit, TypeError, ValueError, ArithmeticError) as exc:
            line = _template_line(exc.__traceback__, file)
            raise InputError(str(exc), Location(file, line=line)) from None
        except RecursionError:
            raise InputError("placeholders nested too deeply", Location(file)) from None
        for written, long_word in ((True, _LONG_WORD.search(source)), (False, _LONG_WORD.search(text))):
            if long_word:  # the line is known when the word was typed, not made by placeholders
                line = source.count("\n", 0, long_word.start()) + 1 if written else None
                raise InputError(f"a word of more than {MAX_WORD} characters: add spaces", Location(file, line=line))
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
                line = token.map[0] + 1 if token.map else None
                shown = source if len(source) <= 200 else source[:200] + "…"
                try:
                    parsed = urlparse(source)
                    inside = self.root is not None and not parsed.scheme and not source.startswith("/") and \
                        (self.root / unquote(parsed.path)).resolve().is_relative_to(self.root.resolve())
                except (ValueError, OSError):  # a NUL, a name longer than the system allows
                    raise InputError(f"image '{shown}': not a valid file name", Location(file, line=line)) from None
                if not inside:
                    raise InputError(f"image '{shown}': only images inside the project folder can be shown",
                                     Location(file, line=line))
                name = unquote(parsed.path)
                if len(name) > 1000 or "\0" in name or any(len(part.encode()) > 255 for part in name.split("/")):
                    raise InputError(f"image '{shown}': not a valid file name", Location(file, line=line))


def _figure_of(value: Any) -> Any:
    return value.figure if isinstance(value, _Shown) else value


@dataclass(frozen=True, slots=True)
class _Shown:
    """A figure with the format a filter asked for (``pct``, ``num``, ``int``, ``eur``), printed
    when the placeholder ends. Arithmetic goes on under the format, so ``{{ 100 - quota | pct }}``
    (Jinja applies the filter first) is the remainder, printed as a percentage."""

    figure: Any
    style: str
    decimals: int | None

    @classmethod
    def of(cls, value: Any, style: str, decimals: int | None) -> _Shown:
        figure = _figure_of(value)
        _number(figure)  # a format filter needs a figure
        return cls(figure, style, decimals)

    def text(self, fmt: Formatter) -> str:
        value, signed = _number(self.figure), _signed(self.figure)
        if self.style == "pct":
            return fmt.percent(value, self.decimals, signed)
        if self.style == "num":
            return fmt.number(value, _decimals(self.figure, self.decimals), signed)
        if self.style == "int":
            return fmt.integer(value, signed)
        return fmt.euro(value, self.decimals, signed=signed)

    def _combined(self, other: Any, reflected: bool, operator: str) -> _Shown:
        left, right = (_figure_of(other), self.figure) if reflected else (self.figure, _figure_of(other))
        return _Shown(combine(left, right, operator), self.style, self.decimals)

    def __add__(self, other):
        return self._combined(other, False, "+")

    def __radd__(self, other):
        return self._combined(other, True, "+")

    def __sub__(self, other):
        return self._combined(other, False, "−")

    def __rsub__(self, other):
        return self._combined(other, True, "−")

    def __mul__(self, other):
        return self._combined(other, False, "×")

    def __rmul__(self, other):
        return self._combined(other, True, "×")

    def __truediv__(self, other):
        return self._combined(other, False, "/")

    def __rtruediv__(self, other):
        return self._combined(other, True, "/")


def _modified(figure: Any, signed: bool, **changes) -> Any:
    """A figure seen through ``abs`` or ``unsigned``: the same figure, another value or sign
    (still a figure: it can be formatted and computed with)."""
    if isinstance(figure, _Shown):
        return _Shown(_modified(figure.figure, signed, **changes), figure.style, figure.decimals)
    if not isinstance(figure, Figure):
        raise TypeError(f"a format filter needs a figure, not {figure!r}")
    return dataclasses.replace(figure, signed=signed, **changes)


def _number(value: Any):
    if isinstance(value, Figure):
        return value.value
    raise TypeError(f"a format filter needs a figure, not {value!r}")


def _signed(value: Any) -> bool:
    return bool(getattr(value, "signed", False))


def _decimals(value: Any, decimals: int | None) -> int:
    if decimals is not None:
        return decimals
    own = getattr(value, "decimals", None)
    return 2 if own is None else own


_PLACEHOLDER = re.compile(r"\{[{%#]")  # where Jinja's syntax starts: {{ … }}, {% … %}, {# … #}
_NEWLINES = re.compile(r"\r\n?")  # Jinja writes every line ending as \n


def _bounded_text(chunks) -> str:
    parts, length = [], 0
    for chunk in chunks:
        length += len(chunk)
        _check_length(length)
        parts.append(chunk)
    return "".join(parts)


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


def _note_number(token) -> int:
    return token.meta["id"] + 1


def _blocks(tokens) -> list[tuple[str, str]]:
    """Plain text of each heading, paragraph, list item and table row, with its kind; a
    footnote is a ``note`` that starts with its marker, as the marker in the text reads."""
    result: list[tuple[str, str]] = []
    kind, in_list, note = "paragraph", 0, None
    for token in tokens:
        if token.type == "footnote_open":
            note = _note_number(token)
        elif token.type == "footnote_close":
            note = None
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            in_list += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            in_list -= 1
        elif token.type == "heading_open":
            kind = "heading"
        elif token.type == "inline":
            text = "".join(" " if child.type == "softbreak" else f" ({_note_number(child)})"
                           if child.type == "footnote_ref" else child.content
                           for child in (token.children or [])
                           if child.type in ("text", "softbreak", "code_inline", "footnote_ref"))
            if note is not None and text.strip():
                result.append(("note", f"({note}) {text.strip()}"))
            elif text.strip():
                result.append((kind if kind == "heading" else "bullet" if in_list else "paragraph", text.strip()))
            kind = "paragraph"
    return result
