"""Drive the built book's live explorers in headless Chromium: shared by the browser test and the benchmark.

``tests/test_explorers.py`` checks the explorers with it (numbers against the library, controls, network,
console); ``benchmarks/bench_explorers.py`` times their updates with it. The site is served on localhost
from a thread; every request to another host is refused and recorded.
"""

import functools
import http.server
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import threading
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parents[1]
SITE = pathlib.Path(os.environ.get("MOMENTUM_LAB_SITE", ROOT / "_build" / "html")).resolve()
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
EXPLORER = re.compile(r'class="ml-explorer" data-explorer="([a-z0-9-]+)"')


def find_chromium():
    """``$CHROMIUM``, or the first Chromium or Chrome on PATH that runs."""
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path is None:
            continue
        try:
            if subprocess.run([path, "--version"], capture_output=True, timeout=30).returncode == 0:
                return path
        except (OSError, subprocess.TimeoutExpired):
            continue
    return None


def explorer_pages(site=SITE):
    """``{explorer name: page path relative to the site}`` for every explorer the built pages show."""
    found = {}
    if not site.is_dir():
        return found
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site)
        if rel.parts[0].startswith("_") or rel.parts[0] == "slides":
            continue
        for name in EXPLORER.findall(page.read_text(encoding="utf-8", errors="replace")):
            found.setdefault(name, rel.as_posix())
    return found


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Server:
    """The site on an ephemeral localhost port, served from a thread."""

    def __init__(self, site=SITE):
        handler = functools.partial(_Quiet, directory=str(site))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class ExplorerPage:
    """One page opened offline in its own browser context, with what the browser reported."""

    def __init__(self, browser, url, *, width=1280, height=900, color_scheme="light"):
        self.url = url
        self.local = urllib.parse.urlsplit(url).netloc
        self.context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=color_scheme)
        self.page = self.context.new_page()
        self.errors, self.external, self.failed, self.bytes = [], [], [], {}
        self.context.route("**/*", self._route)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        self.page.on("response", self._response)
        self.page.goto(url, wait_until="load")

    def _route(self, route):
        parts = urllib.parse.urlsplit(route.request.url)
        if parts.scheme in ("file", "data", "blob") or parts.netloc == self.local:
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()

    def _response(self, response):
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")
        path = urllib.parse.urlsplit(response.url).path
        if "/_static/explorers/" in path:
            try:
                self.bytes[path] = len(response.body())
            except Exception:  # a response without a body (redirect) counts nothing
                pass

    def wait_for(self, name, timeout=15_000):
        self.page.wait_for_function(
            "(n) => window.momentumLab && momentumLab.explorers[n] && momentumLab.explorers[n].set",
            arg=name,
            timeout=timeout,
        )
        return self.page.locator(f'.ml-explorer[data-explorer="{name}"]').first

    def compute(self, name, params):
        return self.page.evaluate("([n, p]) => momentumLab.explorers[n].compute(p)", [name, params])

    def signature(self, name):
        """What the reader sees of explorer ``name``: its figure's markup and its text alternative."""
        return self.page.evaluate(
            """(n) => {
            const root = momentumLab.explorers[n].element;
            const fig = root.querySelector('.ml-figure');
            return {figure: fig.innerHTML.length + ':' + Array.from(fig.querySelectorAll('path, circle, rect, image, text'))
                        .map(e => (e.getAttribute('d') || '') + (e.getAttribute('cx') || '') + (e.getAttribute('x') || '') +
                                  (e.getAttribute('href') || '').length + (e.textContent || '')).join('|').length + ':' +
                        hash(fig.innerHTML),
                    text: root.querySelector('.ml-status').textContent};
            function hash(s) { let h = 0; for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0; return h; }
        }""",
            name,
        )

    def sweep_latency(self, name, moves=24):
        """Move every slider of explorer ``name`` across its range with input events; the update times (ms)."""
        return self.page.evaluate(
            """([n, moves]) => {
            const e = momentumLab.explorers[n], start = e.get();
            const inputs = Array.from(e.element.querySelectorAll('input[type=range]'));
            const before = e.latencies.length;
            for (const input of inputs) {
                const lo = Number(input.min), hi = Number(input.max), old = input.value;
                for (let i = 0; i <= moves; i++) {
                    input.value = String(lo + (hi - lo) * i / moves);
                    input.dispatchEvent(new Event('input', {bubbles: true}));
                }
                input.value = old;
                input.dispatchEvent(new Event('input', {bubbles: true}));
            }
            e.set(start);
            return e.latencies.slice(before);
        }""",
            [name, moves],
        )

    def close(self):
        self.context.close()


def percentile(values, q):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def summary(latencies):
    return {
        "median_ms": statistics.median(latencies) if latencies else float("nan"),
        "p95_ms": percentile(latencies, 0.95),
        "updates": len(latencies),
    }
