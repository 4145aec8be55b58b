"""How long a person waits for the sign-in's proof of work: the vendored ALTCHA widget solving
the site's own challenges (voting/proof.py, PROOF_OF_WORK_MAX_NUMBER) in headless Chromium,
at full speed and with the CPU slowed down as Chrome's tools emulate a mid-range phone (4×).

    .venv/bin/python bench/proof_of_work.py [--runs 20] [--max-number 50000]

The page and its challenges are served to the browser from this process (no database, no
server); the time is from the click on "En ole robotti" to "Tarkistettu", as the person sees
it. Chromium is CHROMIUM_PATH, the system's chromium, or Playwright's own.
"""

import argparse
import json
import os
import shutil
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "core" / "static" / "vendor" / "altcha"
PAGE = """<!doctype html><html lang="fi"><head><meta charset="utf-8">
<link rel="stylesheet" href="/altcha.css"><script type="module" src="/altcha.js"></script></head>
<body><form><altcha-widget challengeurl="/haaste" hidefooter hidelogo
strings='{"label": "En ole robotti", "verified": "Tarkistettu"}'></altcha-widget></form>
</body></html>"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--max-number", type=int, default=None)
    args = parser.parse_args()

    from bench.vote_load import django_setup

    django_setup()  # production settings; nothing here touches the database
    # Imported once django_setup has configured the settings they read.
    from django.conf import settings
    from django.test import override_settings
    from playwright.sync_api import sync_playwright

    from voting import proof

    max_number = args.max_number or settings.PROOF_OF_WORK_MAX_NUMBER

    def serve(route):
        path = route.request.url.removeprefix("http://localhost")
        if path == "/haaste":
            with override_settings(PROOF_OF_WORK_MAX_NUMBER=max_number):
                body, kind = json.dumps(proof.challenge()), "application/json"
        elif path == "/":
            body, kind = PAGE, "text/html"
        else:
            body = (VENDOR / path.lstrip("/")).read_text()
            kind = "text/css" if path.endswith(".css") else "text/javascript"
        route.fulfill(body=body, content_type=kind)

    chromium = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium)
        print(
            f"PROOF_OF_WORK_MAX_NUMBER {max_number}, {args.runs} solutions each, cores "
            f"{os.cpu_count()}"
        )
        for slowdown, name in ((1, "this machine"), (4, "a phone (CPU 4× slower)")):
            page = browser.new_page()
            page.route("http://localhost/**", serve)
            page.context.new_cdp_session(page).send(
                "Emulation.setCPUThrottlingRate", {"rate": slowdown}
            )
            times = []
            for _ in range(args.runs):
                page.goto("http://localhost/")
                page.get_by_label("En ole robotti").wait_for()
                started = page.evaluate("performance.now()")
                page.get_by_label("En ole robotti").click()
                page.get_by_text("Tarkistettu").wait_for(timeout=60_000)
                times.append(page.evaluate("performance.now()") - started)
            times.sort()
            print(
                f"  {name}: median {statistics.median(times):.0f} ms, "
                f"90th percentile {times[int(0.9 * (len(times) - 1))]:.0f} ms, "
                f"longest {times[-1]:.0f} ms"
            )
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
