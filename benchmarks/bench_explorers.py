"""Live explorers: the update latency in the reader's browser, beside the kernel widget's.

Each explorer of the built book (``_build/html``; run ``make book`` first) is opened in headless Chromium,
every one of its sliders is swept across its range with input events, and each update (the page's
compute and redraw, synchronously) is timed by the page itself (``momentumLab.explorers[NAME].latencies``).
Goal: median under 16 ms, one frame at 60 Hz. The reference column is the median slider move of the
explorer's ipywidgets version in a kernel (compute, matplotlib redraw and PNG encoding; bench_widgets).
"""

import statistics

from benchmarks import _browser
from benchmarks._harness import Row


def _kernel_median(widget_name):
    """Median slider move of the notebook widget ``widget_name`` (seconds), or None."""
    from benchmarks import bench_widgets

    times = []
    for label, build in bench_widgets._builders():
        if label.split(".", 1)[1] != widget_name:
            continue
        widget = build()
        for slider in bench_widgets._sliders(widget):
            times.append(bench_widgets._median_move(slider, True))
    return statistics.median(times) if times else None


def run(quick=False):
    from momentum_lab.widgets import web

    pages = _browser.explorer_pages()
    chromium = _browser.find_chromium()
    if not pages or chromium is None:
        return [Row("explorers", "no built book or no Chromium: skipped", goal="median < 16 ms")]
    import matplotlib

    matplotlib.use("Agg")
    from playwright.sync_api import sync_playwright

    rows = []
    server = _browser.Server()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=_browser.CHROMIUM_ARGS)
            for name, explorer in web.explorers().items():
                if name not in pages:
                    continue
                visit = _browser.ExplorerPage(browser, server.url + pages[name])
                try:
                    visit.wait_for(name)
                    latencies = visit.sweep_latency(name, moves=12 if quick else 40)
                finally:
                    visit.close()
                stats = _browser.summary(latencies)
                kernel = _kernel_median(explorer.widget)
                rows.append(
                    Row(
                        "explorers",
                        f"{name}: one update in Chromium (median; p95 {stats['p95_ms']:.2f} ms, "
                        f"{stats['updates']} updates)",
                        stats["median_ms"] / 1e3,
                        "ipywidgets version in a kernel",
                        kernel,
                        goal="median < 16 ms",
                        met=stats["median_ms"] < 16,
                        extra=stats,
                    )
                )
            browser.close()
    finally:
        server.close()
    return rows
