"""Files are whole or absent, whatever interrupts their writing."""

from __future__ import annotations

import errno

import pandas as pd
import pyarrow as pa
import pytest
from matplotlib.figure import Figure

from placesim import atomic


def test_an_interrupted_table_leaves_no_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "weekly" / "regime=target.parquet"

    def dies(table, where, **options):
        where.write_bytes(b"half a file")
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.pq, "write_table", dies)
    with pytest.raises(KeyboardInterrupt):
        atomic.write_table(pa.table({"week": [0, 1]}), target)
    assert not target.exists()
    assert list((tmp_path / "weekly").iterdir()) == []


def test_a_rewrite_replaces_the_whole_file(tmp_path):
    target = tmp_path / "t.parquet"
    atomic.write_table(pa.table({"x": [1, 2, 3]}), target)
    atomic.write_table(pa.table({"x": [4]}), target)
    assert pd.read_parquet(target)["x"].tolist() == [4]
    assert [p.name for p in tmp_path.iterdir()] == ["t.parquet"]


def test_text_json_and_figures_are_written_whole(tmp_path):
    atomic.write_text(tmp_path / "a.md", "# title\n")
    atomic.write_json(tmp_path / "b.json", {"z": 1, "a": [1, 2]})
    figure = Figure()
    figure.subplots().plot([0, 1], [1, 0])
    atomic.save_figure(figure, tmp_path / "c.png")
    assert (tmp_path / "a.md").read_text() == "# title\n"
    assert (tmp_path / "b.json").read_text().index('"a"') < (tmp_path / "b.json").read_text(
        ).index('"z"')
    assert (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "b.json", "c.png"]


def test_a_full_disk_keeps_the_old_file_and_says_so(tmp_path, monkeypatch):
    target = tmp_path / "t.parquet"
    atomic.write_table(pa.table({"x": [1, 2, 3]}), target)

    def fills_the_disk(table, where, **kwargs):
        where.write_bytes(b"PAR1 half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.pq, "write_table", fills_the_disk)
    with pytest.raises(atomic.ResultsNotWritten, match="the disk is full; nothing "
                       "half-written was left"):
        atomic.write_table(pa.table({"x": [4]}), target)
    assert pd.read_parquet(target)["x"].tolist() == [1, 2, 3]
    assert [p.name for p in tmp_path.iterdir()] == ["t.parquet"]
