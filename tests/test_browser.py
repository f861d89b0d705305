"""The workshop explorer in a real browser: Playwright driving Debian's Chromium against `throughflow app`.

One server for the module (a small world so that every update takes a second or two), one
browser page per test. Chromium is installed by ``.ci/install-chromium`` when it is missing (as
CI does); without it, and without the rights to install it, the tests fail: they are not skipped.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import urlopen

import pandas as pd
import pytest
from playwright.sync_api import Browser, Page, Request, Route, sync_playwright

from throughflow.experiments.design import sweep_from_mapping
from throughflow.experiments.sweep import run_sweep

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 90_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ensure_chromium() -> None:
    if not CHROMIUM.exists():
        subprocess.run(["bash", str(REPO / ".ci" / "install-chromium")], check=False)
    if not CHROMIUM.exists():
        pytest.fail("the browser tests need Debian's chromium: run .ci/install-chromium (as root), or apt-get install chromium")


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a small sweep store and a sensitivity result, as the page finds them."""
    root = tmp_path_factory.mktemp("results")
    sweep = sweep_from_mapping(
        {
            "name": "mix",
            "base": "baseline",
            "replications": 1,
            "seed": 3,
            "months": 36,
            "factors": {
                "labour_market.other_applicants": [1.5, 4.0],
                "mentoring": {"levels": {"off": {}, "on": {"one_on_one.enabled": True, "labs.enabled": True}}},
            },
        },
        base_overrides={"population.scale": 0.1},
    )
    run_sweep(sweep, out=root / "mix", executor="serial", progress=False)
    sensitivity = root / "sensitivity-demo"
    sensitivity.mkdir()
    pd.DataFrame(
        {
            "outcome": ["effect_throughflow_12m_all"] * 3,
            "name": ["labour_market.bias", "art60.ocmw_openness", "labour_market.other_applicants"],
            "mu_star": [0.05, 0.02, 0.04],
            "mu_star_conf": [0.01, 0.01, 0.02],
            "mu": [0.04, -0.01, 0.03],
            "sigma": [0.02, 0.02, 0.03],
        }
    ).to_csv(sensitivity / "indices.csv", index=False)
    return root


@pytest.fixture(scope="module")
def server(results: Path) -> Iterator[str]:
    """`throughflow app` on a free port of 127.0.0.1, with a small world."""
    port = free_port()
    command = [sys.executable, "-m", "throughflow.cli", "app", "--port", str(port), "--results", str(results)]
    command += ["--scale", "0.15", "--months", "60", "--seeds", "2", "--workers", "2"]
    log = open(results / "server.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=results)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urlopen(url, timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((results / "server.log").read_text()) from None
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    ensure_chromium()
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


class Recorder:
    """Every request the page makes; any that would leave 127.0.0.1 is aborted and kept."""

    def __init__(self) -> None:
        self.local: list[Request] = []
        self.blocked: list[str] = []

    def route(self, route: Route) -> None:
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            self.local.append(route.request)
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()


@pytest.fixture(scope="module")
def page(browser: Browser, server: str) -> Iterator[tuple[Page, Recorder]]:
    """One page for the module's tests (each goes to its own tab)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    recorder = Recorder()
    context.route("**/*", recorder.route)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(server)
    page.wait_for_selector(".entry-curves img")
    yield page, recorder
    context.close()


def test_page_loads_with_no_request_leaving_the_machine(page: tuple[Page, Recorder]) -> None:
    view, recorder = page
    assert view.get_by_text("NEC entry after the art. 60 contract").is_visible()
    assert recorder.local, "no request recorded"
    assert recorder.blocked == []
    # every front-end file came from the server's own copy (solara-assets): nothing missing, nothing fetched
    for request in recorder.local:
        response = request.response()
        if "/_solara/cdn/" in request.url and response is not None:
            assert response.status == 200, request.url


def test_moving_the_low_share_changes_the_curves(page: tuple[Page, Recorder]) -> None:
    view, _ = page
    view.get_by_role("tab", name="Workshop").click()
    view.wait_for_selector(".entry-curves img")
    image = view.locator(".entry-curves img").first
    before = image.get_attribute("src")
    slider = view.locator(".control-share-low [role=slider]").first
    slider.focus()
    slider.press("Home")  # LOW share to 0
    view.get_by_text("LOW share: 0%").wait_for()
    view.wait_for_function(
        "before => { const img = document.querySelector('.entry-curves img'); return img && img.src !== before; }",
        arg=before,
    )


def test_the_story_renders(page: tuple[Page, Recorder]) -> None:
    view, _ = page
    view.get_by_role("tab", name="Juul & Kamin").click()
    trace = view.locator(".story-trace").first
    trace.wait_for()
    view.wait_for_function("() => document.querySelector('.story-trace').innerText.includes('Month')")
    text = trace.inner_text()
    assert "Kamin" in text and "OCMW" in text


def test_a_store_opens(page: tuple[Page, Recorder], results: Path) -> None:
    view, _ = page
    view.get_by_role("tab", name="Results stores").click()
    field = view.get_by_label("Store folder")
    for folder, kind in ((results / "mix", "sweep, 4 runs"), (results / "sensitivity-demo", "sensitivity")):
        field.fill(str(folder))
        field.press("Enter")
        view.get_by_text(f"{folder}: {kind}").wait_for()
        view.wait_for_selector(".store-figure img")
    field.fill(str(results / "nothing-here"))
    field.press("Enter")
    view.get_by_text("no such folder").wait_for()
