"""The live explorers on the built pages, in real headless Chromium, offline.

For every explorer that ``momentum_lab.widgets.web`` declares, on the page that shows it:

- its page-side ``compute(params)`` equals the library's compute function on 20 seeded random settings
  (relative 1e-12, or within ten times the run's own sensitivity to a one-ulp nudge of its start where
  the run is chaotic; see ``web.Explorer.nudges``);
- every control moves from the keyboard (sliders, menus) or the mouse (checkboxes, one slider dragged,
  a drag on the plot where the explorer has one), and each move changes the figure and its text;
- the page makes no request to another host, logs no console error, loads every local file, and the
  explorer fits a 390 px phone screen without scrolling sideways;
- one page also works from ``file://``.

It writes what it measured (settings compared, largest difference, update latency, bytes of script and
data) to ``_build/explorers/report.json`` and screenshots at 390 and 1280 px, light and dark, beside it.
``make test`` builds the book first. Skips with a message when Chromium, Playwright or the build is missing.
"""

import json
import zlib

import numpy as np
import pytest

from benchmarks import _browser
from momentum_lab.widgets import web

pytestmark = pytest.mark.browser

SETTINGS = 20
DECLARED = web.explorer_names()
PAGES = _browser.explorer_pages()
CHROMIUM = _browser.find_chromium()
OUT = _browser.SITE.parent / "explorers"
REPORT = {}


def _skip_reason():
    if not (_browser.SITE / "index.html").is_file():
        return f"no built book at {_browser.SITE} (run `make book` first)"
    if CHROMIUM is None:
        return "Chromium not found (apt-get install chromium, or set CHROMIUM=/path/to/chrome)"
    return None


@pytest.fixture(scope="module")
def browser():
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=_browser.CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server():
    if _skip_reason():
        pytest.skip(_skip_reason())
    served = _browser.Server()
    yield served
    served.close()


@pytest.fixture(scope="module", autouse=True)
def write_report():
    yield
    if REPORT:
        OUT.mkdir(parents=True, exist_ok=True)
        previous = {}
        path = OUT / "report.json"
        if path.is_file():
            previous = json.loads(path.read_text())
        previous.update(REPORT)
        path.write_text(json.dumps(previous, indent=2, sort_keys=True))


def test_every_declared_explorer_is_on_a_page():
    if _skip_reason():
        pytest.skip(_skip_reason())
    missing = [name for name in DECLARED if name not in PAGES]
    undeclared = [name for name in PAGES if name not in DECLARED]
    assert not missing, f"declared explorers that no built page shows: {missing}"
    assert not undeclared, f"pages show explorers that momentum_lab.widgets declares nowhere: {undeclared}"


def _rng(name):
    return np.random.default_rng(zlib.crc32(name.encode()))


def _controls(visit, name):
    return visit.page.evaluate(
        """(n) => Array.from(momentumLab.explorers[n].element
            .querySelectorAll('input, select')).map((e, i) => ({i, tag: e.tagName.toLowerCase(), type: e.type || '',
            param: e.getAttribute('data-param'), label: (e.labels && e.labels[0]) ? e.labels[0].textContent : '',
            options: e.tagName === 'SELECT' ? Array.from(e.options).map(o => o.value) : null, value: e.value}))""",
        name,
    )


def _move(visit, root, control, step):
    """Move one control as a reader would: keyboard for sliders and menus, the mouse for checkboxes."""
    element = root.locator("input, select").nth(control["i"])
    if control["tag"] == "select":
        options = control["options"]
        current = element.input_value()
        target = options[(options.index(current) + step) % len(options)]
        element.focus()
        element.select_option(target)
    elif control["type"] == "checkbox":
        element.click()
    else:
        element.focus()
        for _ in range(6):
            element.press("ArrowRight" if step > 0 else "ArrowLeft")


@pytest.mark.parametrize("name", DECLARED)
def test_explorer(browser, server, name):
    if name not in PAGES:
        pytest.fail(f"explorer {name!r} is declared but no built page shows it")
    rel = PAGES[name]
    visit = _browser.ExplorerPage(browser, server.url + rel)
    problems = []
    try:
        root = visit.wait_for(name)
        explorer = web.explorers()[name]

        # --- the numbers: the page's compute against the library's ---------------------------------
        rng = _rng(name)
        worst, worst_stable, nudged, compared = 0.0, 0.0, 0, 0
        for _ in range(SETTINGS):
            params = explorer.sample(rng)
            expected = web.compute(name, params)
            actual = visit.compute(name, params)
            tolerance = explorer.rtol
            difference, found = web.compare(expected, actual, tolerance, loose=explorer.loose)
            if found and explorer.nudges is not None:
                sensitivity = web.sensitivity(name, params, expected)
                if sensitivity > tolerance:
                    tolerance = 10 * sensitivity
                    loose = {key: max(value, tolerance) for key, value in explorer.loose.items()}
                    difference, found = web.compare(expected, actual, tolerance, loose=loose)
                    nudged += 1
            compared += 1
            worst = max(worst, difference)
            if tolerance == explorer.rtol:
                worst_stable = max(worst_stable, difference)
            if found:
                problems.append(f"compute({json.dumps(params)}) differs from the library: {found[:3]}")

        # --- the controls: keyboard and mouse move the figure ---------------------------------------
        controls = _controls(visit, name)
        if not controls:
            problems.append("no controls")
        for control in controls:
            if not control["label"].strip():
                problems.append(f"control {control['param']} has no label")
            before = visit.signature(name)
            _move(visit, root, control, +1)
            after = visit.signature(name)
            if after == before:
                _move(visit, root, control, -1)
                _move(visit, root, control, -1)
                after = visit.signature(name)
            if after["figure"] == before["figure"]:
                problems.append(f"moving {control['param']} ({control['label']}) did not change the figure")
            if not after["text"].strip():
                problems.append(f"no text alternative after moving {control['param']}")
        sliders = root.locator("input[type=range]")
        if sliders.count():
            slider = sliders.first
            slider.scroll_into_view_if_needed()
            box = slider.bounding_box()
            before = visit.signature(name)
            visit.page.mouse.move(box["x"] + 0.2 * box["width"], box["y"] + box["height"] / 2)
            visit.page.mouse.down()
            visit.page.mouse.move(box["x"] + 0.8 * box["width"], box["y"] + box["height"] / 2, steps=8)
            visit.page.mouse.up()
            if visit.signature(name)["figure"] == before["figure"]:
                problems.append("dragging the first slider with the mouse did not change the figure")
        areas = root.locator(".ml-drag-area")
        if areas.count():
            area = areas.first
            area.scroll_into_view_if_needed()
            box = area.bounding_box()
            before = visit.signature(name)
            visit.page.mouse.move(box["x"] + 0.3 * box["width"], box["y"] + 0.3 * box["height"])
            visit.page.mouse.down()
            visit.page.mouse.move(box["x"] + 0.6 * box["width"], box["y"] + 0.55 * box["height"], steps=6)
            visit.page.mouse.up()
            if visit.signature(name)["figure"] == before["figure"]:
                problems.append("dragging on the plot did not change the figure")

        # --- speed, network, console ----------------------------------------------------------------
        latencies = visit.sweep_latency(name)
        stats = _browser.summary(latencies)
        problems += [f"console error: {e}" for e in visit.errors]
        problems += [f"request to another host: {u}" for u in visit.external]
        problems += [f"failed to load: {u}" for u in visit.failed]

        # --- screenshots, and the phone width --------------------------------------------------------
        OUT.mkdir(parents=True, exist_ok=True)
        root.scroll_into_view_if_needed()
        root.screenshot(path=str(OUT / f"{name}-1280-light.png"))
        for width, scheme in ((390, "light"), (390, "dark"), (1280, "dark")):
            small = _browser.ExplorerPage(browser, server.url + rel, width=width, color_scheme=scheme)
            try:
                element = small.wait_for(name)
                if scheme == "dark":
                    small.page.evaluate("() => document.documentElement.setAttribute('data-theme', 'dark')")
                    small.page.wait_for_timeout(100)
                overflow = small.page.evaluate(
                    """(n) => { const r = momentumLab.explorers[n].element;
                    return {scroll: r.scrollWidth, client: r.clientWidth, page: document.documentElement.scrollWidth,
                            view: window.innerWidth}; }""",
                    name,
                )
                if overflow["scroll"] > overflow["client"] + 1:
                    problems.append(
                        f"at {width} px the explorer is {overflow['scroll']} px wide in a {overflow['client']} px box"
                    )
                element.scroll_into_view_if_needed()
                element.screenshot(path=str(OUT / f"{name}-{width}-{scheme}.png"))
                problems += [f"console error at {width} px: {e}" for e in small.errors]
            finally:
                small.close()

        REPORT[name] = {
            "page": rel,
            "settings": compared,
            "largest_relative_difference": worst,
            "largest_relative_difference_not_chaotic": worst_stable,
            "settings_within_nudge_sensitivity": nudged,
            **stats,
            "script_and_data_bytes": sum(visit.bytes.values()),
            "files": {k.rsplit("/_static/", 1)[-1]: v for k, v in sorted(visit.bytes.items())},
        }
        print(
            f"{name}: {compared} settings, largest relative difference {worst_stable:.2g} "
            f"({nudged} chaotic settings within 10x their own one-ulp sensitivity: up to {worst:.2g}), "
            f"update median {stats['median_ms']:.2f} ms, p95 {stats['p95_ms']:.2f} ms, "
            f"{sum(visit.bytes.values())} bytes of explorer scripts and data"
        )
    finally:
        visit.close()
    assert not problems, f"{name} on {rel}:\n  " + "\n  ".join(problems)


def test_an_explorer_works_from_a_file_url(browser):
    """A reader who opens the downloaded HTML from disk gets a live explorer too (no fetch, no modules)."""
    if not PAGES:
        pytest.skip("no page with an explorer")
    name, rel = next(iter(PAGES.items()))
    visit = _browser.ExplorerPage(browser, (_browser.SITE / rel).as_uri())
    try:
        visit.wait_for(name)
        params = web.explorers()[name].sample(_rng(name))
        difference, problems = web.compare(web.compute(name, params), visit.compute(name, params), 1e-6)
        assert not problems, problems[:3]
        assert not visit.errors, visit.errors
        assert not visit.external, visit.external
    finally:
        visit.close()
