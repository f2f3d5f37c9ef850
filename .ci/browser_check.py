#!/usr/bin/env python3
"""Render an `actas audit --html` page in a real headless Chromium and check it.

Usage: browser_check.py PAGE.html OUT_DIR --charts N --plots M [--verdict TEXT] [--top PNG]

Drives Chromium over the DevTools protocol (websocket-client), then fails (exit 1) unless:
- the page loads with no console message of level error or warning, no uncaught exception and
  no log entry of level error (a blocked resource, a CSP or parsing complaint);
- it asks for nothing but itself: no request other than the page's own file:// URL (the page
  is self-contained: no network, no second file);
- the verdict is there, first among the sections, and holds TEXT;
- exactly N bulletin charts and M forensic plots are there, each an SVG drawn with a size;
- at a phone's width (390 CSS pixels) the page does not scroll sideways (tables scroll in
  their own box);
- it prints to PDF.
Writes OUT_DIR/desktop.png, OUT_DIR/phone.png (full pages) and OUT_DIR/print.pdf for a
developer to look at.
"""

import argparse
import base64
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket  # websocket-client

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
]


class Browser:
    """One Chromium process and one page target, spoken to over the DevTools protocol."""

    def __init__(self, binary):
        self.profile = tempfile.mkdtemp(prefix="actas-chromium-")
        self.proc = subprocess.Popen(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        port = None
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                if self.proc.poll() is not None:
                    raise SystemExit(f"chromium exited with {self.proc.returncode} before listening")
                continue
            m = re.search(r"DevTools listening on ws://[^:]+:(\d+)/", line)
            if m:
                port = int(m.group(1))
                break
        if port is None:
            raise SystemExit("chromium did not open its DevTools port within 60 s")
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0
        self.events = []

    def call(self, method, **params):
        self.next_id += 1
        mid = self.next_id
        self.ws.send(json.dumps({"id": mid, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == mid:
                if "error" in msg:
                    raise SystemExit(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_for(self, event, timeout=60):
        deadline = time.time() + timeout
        seen = len(self.events)
        while time.time() < deadline:
            for e in self.events[seen:]:
                if e["method"] == event:
                    return e
            seen = len(self.events)
            msg = json.loads(self.ws.recv())
            if "method" in msg:
                self.events.append(msg)
        raise SystemExit(f"no {event} within {timeout} s")

    def evaluate(self, expression):
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in r:
            raise SystemExit(f"evaluating {expression!r}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def screenshot(self, path):
        shot = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        path.write_bytes(base64.b64decode(shot["data"]))

    def close(self):
        try:
            self.ws.close()
        finally:
            self.proc.kill()
            self.proc.wait()
            shutil.rmtree(self.profile, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("page")
    ap.add_argument("out_dir")
    ap.add_argument("--charts", type=int, required=True)
    ap.add_argument("--plots", type=int, required=True)
    ap.add_argument("--verdict", default="NOT POSSIBLE given the sheets")
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    ap.add_argument("--top", metavar="PNG",
                    help="also write the page's first 1,000 x 1,400 pixels here (the README's picture)")
    args = ap.parse_args()

    page = pathlib.Path(args.page).resolve()
    out = pathlib.Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    url = page.as_uri()
    problems = []

    b = Browser(args.chromium)
    try:
        for domain in ("Page", "Runtime", "Log", "Network"):
            b.call(f"{domain}.enable")
        b.call("Emulation.setDeviceMetricsOverride", width=1000, height=900,
               deviceScaleFactor=1, mobile=False)
        b.call("Page.navigate", url=url)
        b.wait_for("Page.loadEventFired")
        # Let late messages (a failed resource, a console call) arrive.
        b.evaluate("new Promise(r => setTimeout(r, 300)).then(() => 1)")

        checks = b.evaluate(r"""(() => {
            const sections = [...document.querySelectorAll('body > section')].map(s => s.id);
            const drawn = sel => [...document.querySelectorAll(sel)].map(f => {
                const svg = f.querySelector('svg');
                if (!svg) return 0;
                const r = svg.getBoundingClientRect();
                return r.width > 100 && r.height > 50 ? 1 : 0;
            });
            const verdict = document.querySelector('#verdict');
            return {
                title: document.title,
                sections,
                verdict: verdict ? verdict.innerText : null,
                statements: document.querySelectorAll('#verdict ul.verdict > li').length,
                charts: drawn('figure.chart'),
                plots: drawn('figure.plot'),
                scripts: document.scripts.length,
            };
        })()""")
        b.screenshot(out / "desktop.png")
        if args.top:
            shot = b.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                          clip={"x": 0, "y": 0, "width": 1000, "height": 1400, "scale": 1})
            pathlib.Path(args.top).write_bytes(base64.b64decode(shot["data"]))

        b.call("Emulation.setDeviceMetricsOverride", width=390, height=844,
               deviceScaleFactor=2, mobile=True)
        b.evaluate("new Promise(r => requestAnimationFrame(() => setTimeout(r, 100))).then(() => 1)")
        phone = b.evaluate("""({
            scroll: document.documentElement.scrollWidth,
            inner: window.innerWidth,
            // What overflows its box without scrolling it: the culprits, for the message.
            wide: [...document.querySelectorAll('body *')]
                .filter(e => e.scrollWidth > e.clientWidth + 1
                    && getComputedStyle(e).overflowX === 'visible')
                .slice(0, 5).map(e => `${e.tagName}#${e.id}.${e.className}`),
        })""")
        b.screenshot(out / "phone.png")

        pdf = b.call("Page.printToPDF", printBackground=True)
        (out / "print.pdf").write_bytes(base64.b64decode(pdf["data"]))
    finally:
        b.close()

    for e in b.events:
        m, p = e["method"], e["params"]
        if m == "Runtime.consoleAPICalled" and p["type"] in ("error", "warning", "assert"):
            problems.append(f"console {p['type']}: {p['args']}")
        elif m == "Runtime.exceptionThrown":
            problems.append(f"exception: {p['exceptionDetails']}")
        elif m == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
            problems.append(f"log {p['entry']['level']}: {p['entry'].get('text')} {p['entry'].get('url', '')}")
        elif m == "Network.requestWillBeSent" and p["request"]["url"] != url:
            problems.append(f"the page asked for another resource: {p['request']['url']}")
        elif m == "Network.loadingFailed":
            problems.append(f"a load failed: {p}")

    if checks["scripts"]:
        problems.append(f"{checks['scripts']} script(s) in the page")
    if not checks["verdict"] or args.verdict not in checks["verdict"]:
        problems.append(f"the verdict is missing or lacks {args.verdict!r}: {checks['verdict']!r}")
    if not checks["sections"] or checks["sections"][0] != "verdict":
        problems.append(f"the verdict is not the first section: {checks['sections']}")
    if checks["statements"] < 1:
        problems.append("the verdict has no statement")
    for kind, want in (("charts", args.charts), ("plots", args.plots)):
        got = checks[kind]
        if len(got) != want or not all(got):
            problems.append(f"{kind}: want {want} drawn, found {len(got)} of which {sum(got)} drawn")
    # A page wider than the phone makes a mobile browser widen its layout viewport (innerWidth
    # grows with it), so the width is checked against the phone's.
    if phone["scroll"] > 390 or phone["inner"] > 390:
        problems.append(f"at a phone's width the page scrolls sideways: {phone}")
    if not (out / "print.pdf").read_bytes().startswith(b"%PDF"):
        problems.append("printing gave no PDF")

    print(f"{page.name}: {checks['title']!r}; sections {checks['sections']}; "
          f"{checks['statements']} verdict statements; {len(checks['charts'])} charts; "
          f"{len(checks['plots'])} plots; phone width {phone['scroll']} of {phone['inner']}; "
          f"{len(b.events)} browser events")
    print(f"screenshots: {out / 'desktop.png'}, {out / 'phone.png'}; print: {out / 'print.pdf'}")
    if problems:
        for p in problems:
            print(f"FAIL: {p}", file=sys.stderr)
        sys.exit(1)
    print("ok: rendered with no console error, self-contained, verdict and every chart present")


if __name__ == "__main__":
    main()
