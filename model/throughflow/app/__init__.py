"""The workshop explorer: ``throughflow app`` serves a Solara page on 127.0.0.1.

WISEs, OCMWs and employers move the qualification mix, the mentors' capacity, the pillars of
mentoring-to-NEC and the tightness of the labour market, and see the NEC-entry curves, the
effect by qualification group and the public cost, from paired runs over a few seeds; they
follow Kamin and his mentor Juul month by month; and they open any results store. The page
reads stores and never writes to them. Its front-end files are served by the same server
(the ``solara-assets`` package), so it works on a machine without internet access; Solara's
usage statistics and version check are switched off.

Needs the ``app`` extra: ``pip install "throughflow[app]"``. See ``docs/design.md``
("The workshop explorer") for why it is built from plain Solara components.
"""

from __future__ import annotations

import os

# before solara is imported anywhere: no usage statistics sent from the server, and a front-end file
# missing from solara-assets is not fetched from a CDN (the address below refuses at once)
os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
os.environ.setdefault("SOLARA_ASSETS_CDN", "http://127.0.0.1:9/")

HOST = "127.0.0.1"
"""Where the explorer listens unless told otherwise: this machine only."""

PORT = 8765


def serve(
    host: str = HOST,
    port: int = PORT,
    results: str = "results",
    workers: int | None = None,
    scale: float | None = None,
    months: int | None = None,
    seeds: int | None = None,
) -> None:
    """Serve the explorer until interrupted (Ctrl-C).

    Args:
        host: Address to listen on (``0.0.0.0`` makes the page reachable from other machines).
        port: Port.
        results: Folder searched for results stores (the page can open any other folder too).
        workers: Worker processes for the paired runs (default: up to 2).
        scale: Population scale of the paired runs (default 0.3).
        months: Horizon of the paired runs (default 120).
        seeds: Seeds per setting when the page opens (default 3).
    """
    os.environ["SOLARA_APP"] = "throughflow.app.page"
    os.environ["THROUGHFLOW_APP_RESULTS"] = str(results)
    for name, value in (("WORKERS", workers), ("SCALE", scale), ("MONTHS", months), ("SEEDS", seeds)):
        if value is not None:
            os.environ[f"THROUGHFLOW_APP_{name}"] = str(value)
    import uvicorn

    print(f"throughflow explorer: http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
    uvicorn.run("solara.server.starlette:app", host=host, port=port, log_level="warning", workers=1)
