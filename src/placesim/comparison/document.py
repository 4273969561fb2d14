"""A small document model rendered two ways: one self-contained HTML file and Markdown.

The report is written once, as blocks (headings, paragraphs, notes, tables, figures,
code); each renderer turns the same blocks into its format, so the two never drift.
The HTML inlines its style and its figures (as SVG), requests nothing from anywhere and
opens offline; the Markdown links the figures written beside it.
"""

from __future__ import annotations

import html
import io
import multiprocessing
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from placesim.compilation import usable_cores


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2
    anchor: str = ""


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Note:
    """A boxed remark; ``kind`` is "warning" or "info"."""

    text: str
    kind: str = "info"


@dataclass(frozen=True)
class Table:
    """Cells already formatted as text; the first column is a row label."""

    frame: pd.DataFrame
    caption: str = ""
    scroll: bool = False  # long tables scroll inside the page


@dataclass(frozen=True)
class Picture:
    """A figure, described by how to draw it; ``drawn`` fills in its SVG."""

    name: str  # file name without extension
    draw: Callable[[], Figure]
    caption: str
    svg: str = ""


@dataclass(frozen=True)
class Code:
    text: str


Block = Heading | Text | Note | Table | Picture | Code


@dataclass
class Document:
    title: str
    subtitle: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)


def drawn(document: Document) -> Document:
    """The document with every picture drawn as SVG.

    Drawing is matplotlib's Python code, one figure at a time per process, and takes
    most of a report's time; the figures are independent, so they are drawn in worker
    processes forked from this one (which see the document without copying it), one
    per core, where the platform forks and this process may have children.
    """
    global _PENDING
    pending = _PENDING = pictures(document)
    workers = min(len(pending), usable_cores())
    try:
        if (workers > 1 and "fork" in multiprocessing.get_all_start_methods()
                and not multiprocessing.current_process().daemon):
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                svgs = pool.map(_draw, range(len(pending)), chunksize=1)
        else:
            svgs = [_draw(k) for k in range(len(pending))]
    finally:
        _PENDING = []
    drawing = {id(picture): text for picture, text in zip(pending, svgs, strict=True)}
    return Document(document.title, document.subtitle, [
        replace(b, svg=drawing[id(b)]) if isinstance(b, Picture) else b
        for b in document.blocks])


_PENDING: list[Picture] = []  # the pictures being drawn, seen by forked workers


def _draw(index: int) -> str:
    return svg(_PENDING[index].draw())


def svg(figure: Figure) -> str:
    """The figure as SVG text: fonts left to the reader's browser (small, selectable
    text) and ids fixed, so the same figure always gives the same bytes."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "placesim"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg"):]


STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       color: #1a1a1a; background: #fff; line-height: 1.45; }
header { background: #12355b; color: #fff; padding: 1.2rem 2rem; }
header h1 { margin: 0 0 .3rem 0; font-size: 1.7rem; }
header p { margin: 0; opacity: .9; }
nav { position: sticky; top: 0; background: #f3f5f8; border-bottom: 1px solid #d5dbe3;
      padding: .5rem 2rem; font-size: .9rem; z-index: 1; }
nav a { margin-right: .8rem; display: inline-block; color: #12355b; text-decoration: none;
        white-space: nowrap; }
main { max-width: 1150px; padding: 1rem 2rem 3rem 2rem; overflow-wrap: break-word; }
h2 { border-bottom: 2px solid #12355b; padding-bottom: .2rem; margin-top: 2.2rem; }
h3 { margin-top: 1.5rem; }
table { border-collapse: collapse; margin: .6rem 0 1rem 0; font-size: .88rem; }
th, td { border-bottom: 1px solid #e1e5ea; padding: .3rem .6rem; text-align: left;
         vertical-align: top; }
td.n, th.n { text-align: right; white-space: nowrap; }
th { background: #f3f5f8; position: sticky; top: 0; }
caption { caption-side: top; text-align: left; font-weight: 600; padding: .3rem 0; }
.scroll { max-height: 28rem; overflow-y: auto; border: 1px solid #e1e5ea; }
.note { border-left: 4px solid #12355b; background: #eef3f9; padding: .5rem .9rem;
        margin: .8rem 0; }
.warning { border-left-color: #b35900; background: #fff4e5; }
figure { margin: .8rem 0 1.2rem 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: .85rem; color: #444; }
pre { background: #f3f5f8; padding: .7rem; overflow-x: auto; font-size: .85rem; }
@media print { nav { display: none; } }
"""


NUMERIC = re.compile(r"^[+\-]?£?[\d.,]+(%|k|m| points)?( \[.*\])?$")


def _is_number(value: object) -> bool:
    """Cells that read as figures are right-aligned; words are left-aligned."""
    return bool(NUMERIC.match(str(value)))


def to_html(document: Document) -> str:
    """One self-contained HTML page."""
    esc = html.escape
    parts = []
    for block in document.blocks:
        if isinstance(block, Heading):
            anchor = f' id="{esc(block.anchor)}"' if block.anchor else ""
            parts.append(f"<h{block.level}{anchor}>{esc(block.text)}</h{block.level}>")
        elif isinstance(block, Text):
            parts.append(f"<p>{esc(block.text)}</p>")
        elif isinstance(block, Note):
            parts.append(f'<div class="note {esc(block.kind)}">{esc(block.text)}</div>')
        elif isinstance(block, Table):
            numeric = [len(block.frame) > 0 and block.frame[c].map(_is_number).all()
                       for c in block.frame.columns]
            head = "".join(f'<th{" class=n" if n else ""}>{esc(str(c))}</th>'
                           for c, n in zip(block.frame.columns, numeric, strict=True))
            body = "".join("<tr>" + "".join(f'<td{" class=n" if n else ""}>{esc(str(v))}</td>'
                                            for v, n in zip(row, numeric, strict=True))
                           + "</tr>" for row in block.frame.itertuples(index=False))
            caption = f"<caption>{esc(block.caption)}</caption>" if block.caption else ""
            table = f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            parts.append(f'<div class="scroll">{table}</div>' if block.scroll else table)
        elif isinstance(block, Picture):
            parts.append(f"<figure>{block.svg}<figcaption>{esc(block.caption)}"
                         "</figcaption></figure>")
        elif isinstance(block, Code):
            parts.append(f"<pre>{esc(block.text)}</pre>")
    links = " ".join(f'<a href="#{esc(b.anchor)}">{esc(b.text)}</a>'
                     for b in document.blocks if isinstance(b, Heading) and b.anchor)
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{esc(document.title)}</title><style>{STYLE}</style></head><body>"
            f"<header><h1>{esc(document.title)}</h1><p>{esc(document.subtitle)}</p></header>"
            f"<nav>{links}</nav><main>{''.join(parts)}</main></body></html>\n")


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def to_markdown(document: Document, figures: str = "figures") -> str:
    """Markdown, figures linked as ``figures/<name>.svg``."""
    lines = [f"# {document.title}", "", document.subtitle, ""]
    for block in document.blocks:
        if isinstance(block, Heading):
            lines += ["#" * block.level + " " + block.text, ""]
        elif isinstance(block, Text):
            lines += [block.text, ""]
        elif isinstance(block, Note):
            lines += [f"> **{block.kind.capitalize()}.** {block.text}", ""]
        elif isinstance(block, Table):
            if block.caption:
                lines += [f"**{block.caption}**", ""]
            columns = [_cell(c) for c in block.frame.columns]
            lines.append("| " + " | ".join(columns) + " |")
            lines.append("|" + "|".join("---" if k == 0 else "---:"
                                        for k in range(len(columns))) + "|")
            lines += ["| " + " | ".join(_cell(v) for v in row) + " |"
                      for row in block.frame.itertuples(index=False)]
            lines.append("")
        elif isinstance(block, Picture):
            lines += [f"![{block.caption}]({figures}/{block.name}.svg)", "",
                      f"*{block.caption}*", ""]
        elif isinstance(block, Code):
            lines += ["```", block.text, "```", ""]
    return "\n".join(lines)


def pictures(document: Document) -> list[Picture]:
    return [b for b in document.blocks if isinstance(b, Picture)]
