"""``placesim ui``: the trainer's page served by solara, with nothing fetched from outside.

solara 1.58.2 with solara-assets serves its front end, and plotly's widget, from the
installation; its version check and usage telemetry are switched off, so the server
makes no outside request either. A session whose page has gone is closed after
``CULL_AFTER``, which stops its run and frees its models.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from pathlib import Path

from placesim.ui.app import SCENARIO_ENV, starting_setup

CULL_AFTER = "20s"


def _warm_up(scenario: Path) -> None:
    """Compile (or load from numba's cache) the kernels before the first page asks."""
    from dataclasses import replace

    from placesim.ui.twin import Twin

    twin = Twin(replace(starting_setup(scenario), citizens=200, weeks=2))
    twin.step()


def check_address(host: str, port: int) -> None:
    """Raise OSError (e.g. the port is taken) before anything slow is started."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def serve(scenario: Path, host: str, port: int) -> None:
    """Serve the page for ``scenario`` (its directory gives the picker and presets)."""
    check_address(host, port)
    os.environ[SCENARIO_ENV] = str(scenario.resolve())
    os.environ["SOLARA_APP"] = "placesim.ui.app"
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "false"
    os.environ["SOLARA_KERNEL_CULL_TIMEOUT"] = CULL_AFTER
    os.environ["SOLARA_MODE"] = "production"
    from solara.server import settings

    settings.theme.show_banner = False  # no "runs on Solara" badge over the charts
    settings.theme.title = "placesim"
    print(f"placesim ui: preparing {scenario} (the first start compiles the model, about a "
          "minute)…", file=sys.stderr, flush=True)
    _warm_up(scenario)
    import uvicorn

    server = uvicorn.Server(uvicorn.Config("solara.server.starlette:app", host=host,
                                           port=port, log_level="warning"))

    def announce() -> None:
        while not server.started:
            if server.should_exit:
                return
            time.sleep(0.05)
        print(f"placesim ui: open http://{host}:{port}/ in a browser (Ctrl-C stops)",
              flush=True)

    threading.Thread(target=announce, daemon=True).start()
    server.run()
