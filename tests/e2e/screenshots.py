"""Screenshots for the README: ``python -m tests.e2e.screenshots --db FILE --out docs/img``."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, Server, open_app

SHOTS = [("/", "Board scorecard", "scorecard.png"),
         ("/explorer?indicator=rereferral", "Indicator explorer", "explorer.png")]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path("docs/img"))
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    server = Server(args.db.resolve(), Path(tempfile.mkdtemp(prefix="lscp-shots-")))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1100})
            for path, heading, name in SHOTS:
                open_app(page, server.url + path, heading)
                if "explorer" in path:  # its charts (SVG drawn on the server)
                    page.locator(".lscp-chart svg").first.wait_for(timeout=30_000)
                page.wait_for_timeout(2000)
                page.screenshot(path=str(args.out / name))
                print(args.out / name)
            browser.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
