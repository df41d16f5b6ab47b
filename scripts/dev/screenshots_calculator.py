"""Screenshots of the calculator: FR and NL, desktop and phone, before and after
the engine is ready, with an answer and with an error.

    python -m scripts.dev.screenshots_calculator [page]    # default calculator/ ; e.g. parents/ calculator/embed/

Writes screenshots/calculator-<page|parents|embed>-<lang>-<desktop|phone>-<loading|answer|error>.png
from the built site/.
"""

import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

from scripts.dev.serve import make_server

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
SIZES = {"desktop": (1280, 900), "phone": (360, 800)}
# An answer that shows an amount, and a request the package refuses (age out of range).
ANSWER = "#q=course&age=30&route=outside&place=psychologist_office&modality=individual&bim=false&first_session=true&sessions=10"
ERROR = "#q=contribution&age=-2&route=outside&place=school&modality=individual&bim=false&first_session=false"


def scroll_to(page, selector: str) -> None:
    """Put the element near the top of the window, below the site's header."""
    page.evaluate("s => { const e = document.querySelector(s); window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 64); }",
                  selector)
    page.wait_for_timeout(100)


def main(page_path: str = "calculator/") -> None:
    from playwright.sync_api import sync_playwright

    server = make_server(0, "/")
    server.handle_error = lambda request, address: None  # pages closed mid-download
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    out = ROOT / "screenshots"
    out.mkdir(exist_ok=True)
    name = "calculator-" + (page_path.strip("/").removeprefix("calculator").strip("/").replace("/", "-") or "page")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for size, (w, h) in SIZES.items():
            for lang in ("fr", "nl"):
                url = base + ("nl/" if lang == "nl" else "") + page_path
                ctx = browser.new_context(viewport={"width": w, "height": h}, device_scale_factor=1,
                                          locale="fr-BE" if lang == "fr" else "nl-BE")
                page = ctx.new_page()
                # before ready: hold the runtime back so the loading state stays on screen
                held = []
                page.route("**/assets/pyodide/pyodide.asm.wasm", lambda route: held.append(route))
                page.goto(url, wait_until="domcontentloaded")
                page.wait_for_timeout(500)
                scroll_to(page, "#calc-status")
                page.screenshot(path=str(out / f"{name}-{lang}-{size}-loading.png"))
                for route in held:
                    route.abort()
                page.close()
                page = ctx.new_page()
                for state, fragment in (("answer", ANSWER), ("error", ERROR)):
                    page.goto(url + fragment)
                    page.wait_for_selector("#calculator[aria-busy=false]", timeout=120000)
                    page.wait_for_timeout(200)
                    if size == "desktop":
                        scroll_to(page, "#calc-status")
                    else:
                        scroll_to(page, "#calc-age" if state == "error" else "#calc-answer-title")
                    page.screenshot(path=str(out / f"{name}-{lang}-{size}-{state}.png"))
                ctx.close()
        browser.close()
    server.shutdown()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main(*(sys.argv[1:2] or []))
