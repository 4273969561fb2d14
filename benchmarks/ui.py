"""How fast the trainer's page is, driven in headless Chromium as a trainer drives it.

For each size: ``placesim ui`` is started on a copy of scenarios/default.toml with that
many citizens; a browser opens the page (start-up: from asking for the page to a page
with its Play button and every chart, caches warm because the server compiled or loaded
the kernels before announcing itself), sets the speed to "as fast as it goes", presses
Play and reads the week counter and the weeks drawn in both panels' spend charts over a
measured stretch. Writes benchmarks/results/ui.{json,md}.

    .venv/bin/python benchmarks/ui.py            # 20,000 and 100,000 citizens
    .venv/bin/python benchmarks/ui.py --quick    # 20,000 only, shorter stretch
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser import chromium  # noqa: E402
from ui_helpers import small_scenarios  # noqa: E402
from ui_server import ui_server  # noqa: E402

NEEDED = {20_000: 10.0, 100_000: 2.0}  # weeks a second, both panels (issue 13)
STARTUP_LIMIT = 10.0
DRAWN = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
    .filter(g => String(g.layout.title.text).startsWith('Public spend'))
    .map(g => g.data[0].x.length)"""


def week(page) -> int:
    return int(page.inner_text(".placesim-week-counter").split()[1])


def measure(citizens: int, seconds: float) -> dict:
    with tempfile.TemporaryDirectory() as directory:
        scenario = small_scenarios(Path(directory), citizens=citizens, weeks=2_000)
        started = time.perf_counter()
        with ui_server(scenario) as address:
            server_ready = time.perf_counter() - started
            with chromium() as browser:
                page = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
                clock = time.perf_counter()
                page.goto(address)
                page.wait_for_selector(".placesim-play", timeout=60_000)
                page.wait_for_function(
                    "document.querySelectorAll('.js-plotly-plot').length >= 15")
                startup = time.perf_counter() - clock
                page.get_by_text("5 weeks a second").click()
                page.get_by_text("as fast as it goes").click()
                page.click(".placesim-play")
                time.sleep(2.0)  # past the first weeks' surge of letters
                w0, t0 = week(page), time.perf_counter()
                drawn0 = page.evaluate(DRAWN)
                time.sleep(seconds)
                w1, t1 = week(page), time.perf_counter()
                drawn1 = page.evaluate(DRAWN)
                page.click(".placesim-pause")
    rate = (w1 - w0) / (t1 - t0)
    return {"citizens": citizens, "weeks_per_second": round(rate, 2),
            "needed": NEEDED.get(citizens), "weeks_measured": w1 - w0,
            "charts_drawn_weeks": [drawn0, drawn1], "startup_seconds": round(startup, 2),
            "server_ready_seconds": round(server_ready, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    sizes = [20_000] if args.quick else [20_000, 100_000]
    rows = [measure(n, 6.0 if args.quick else 15.0) for n in sizes]
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "ui.json").write_text(json.dumps(rows, indent=2))
    lines = ["# The trainer's page in headless Chromium", "",
             "Both panels stepped together, charts updating; start-up is from asking for the "
             "page to a page with Play and every chart (server already warm).", "",
             "| citizens | weeks a second (both panels) | needed | start-up (s) | "
             "under 10 s | spend charts' weeks drawn (start, end of stretch) |",
             "|---:|---:|---:|---:|:---:|---|"]
    for r in rows:
        lines.append(f"| {r['citizens']:,} | {r['weeks_per_second']} | {r['needed']} | "
                     f"{r['startup_seconds']} | "
                     f"{'yes' if r['startup_seconds'] < STARTUP_LIMIT else 'no'} | "
                     f"{r['charts_drawn_weeks'][0]} → {r['charts_drawn_weeks'][1]} |")
    (out / "ui.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
