"""A benchmark's results on disk: its figures as JSON and its table as Markdown, side by
side in the results folder, the table also printed."""

from __future__ import annotations

import json
from pathlib import Path


def write_report(out: Path, name: str, figures: dict, text: str) -> None:
    """Write ``NAME.json`` and ``NAME.md`` to ``out`` and print the table."""
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    (out / f"{name}.md").write_text(text, encoding="utf-8")
    print(text, end="")
