"""Screenshots of pages as a reader sees them: FR and NL, desktop and phone.

    python -m scripts.dev.screenshots [page ...]     # e.g. "" circular-8761/ pseudocodes/

Writes screenshots/<lang>-<page>-<desktop|phone>.png from the built site/.
"""

import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

from scripts.dev.serve import make_server

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SIZES = {"desktop": (1280, 900), "phone": (375, 812)}


def main(pages: list[str]) -> None:
    from playwright.sync_api import sync_playwright

    server = make_server(0, "/")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    out = ROOT / "screenshots"
    out.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for size, (w, h) in SIZES.items():
            ctx = browser.new_context(viewport={"width": w, "height": h}, device_scale_factor=1)
            page = ctx.new_page()
            for lang in ("fr", "nl"):
                for path in pages:
                    page.goto(base + ("nl/" if lang == "nl" else "") + path)
                    page.wait_for_timeout(300)
                    name = path.strip("/").replace("/", "-").replace("#", "-") or "home"
                    page.screenshot(path=str(out / f"{lang}-{name}-{size}.png"), full_page=False)
            ctx.close()
        browser.close()
    server.shutdown()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["", "circular-8761/", "pseudocodes/"])
