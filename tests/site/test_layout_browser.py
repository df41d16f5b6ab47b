"""Layout, keyboard, no-JavaScript, print and search as a reader meets them (issue 13,
items 3 and 4), measured on the built site in Debian's chromium: widths and heights of
the real tables, the computed outline of each Tab stop, the href printed, the order of
the real search results. Screenshots go to /work/shots/layout/ when that folder exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scripts.publish.published import site_url
from scripts.render.calculator_page import catalog
from tests.site.test_browser import search

SHOTS = Path("/work/shots/layout")
LANGS = ["fr", "nl"]


def root(base_url: str, lang: str) -> str:
    return base_url + ("nl/" if lang == "nl" else "")


def shot(page, name: str, **kw) -> None:
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / name), **kw)


# Each cell's number of text lines, each table's overflow.
CELL_LINES_JS = """table => [...table.tBodies[0].rows].map(tr => [...tr.cells].map(cell => {
  const r = document.createRange(); r.selectNodeContents(cell);
  return {lines: Math.round(r.getBoundingClientRect().height / parseFloat(getComputedStyle(cell).lineHeight)),
          words: cell.textContent.trim().split(/\\s+/).length};
}))"""
OVERFLOW_JS = """table => { const frame = table.closest('.md-typeset__scrollwrap, .src-table') || table.parentElement;
  return {scroll: frame.scrollWidth, client: frame.clientWidth, right: table.getBoundingClientRect().right,
          viewport: innerWidth, shadow: getComputedStyle(frame).backgroundImage}; }"""


@pytest.mark.parametrize("lang", LANGS)
def test_pseudocode_table_fits_a_desktop_and_no_column_is_squeezed(new_page, base_url, lang):
    page = new_page(1280, 900).page
    page.goto(root(base_url, lang) + "pseudocodes/")
    page.wait_for_selector("#pseudocode-table th .sort-button")
    table = page.locator("#pseudocode-table")
    size = table.evaluate(OVERFLOW_JS)
    assert size["scroll"] <= size["client"] and size["right"] <= size["viewport"], size
    assert page.locator(".md-sidebar--secondary").is_hidden()  # the empty table of contents gave its room
    for i, row in enumerate(table.evaluate(CELL_LINES_JS)):
        description = row[1]["lines"]
        for j, cell in enumerate(row):
            # no cell is one word per line, and no short column makes a row taller than its description (or 3 lines)
            assert cell["words"] < 3 or cell["lines"] < cell["words"], (i, j, row)
            assert j == 1 or cell["lines"] <= max(3, description), (i, j, row)
    shot(page, f"pseudocodes-{lang}-1280.png")


@pytest.mark.parametrize("lang, page_path, width", [
    ("fr", "staff/", 1280), ("nl", "staff/", 1280), ("fr", "parents/", 375), ("nl", "parents/", 375)])
def test_guide_tables_fit_or_show_that_they_scroll(new_page, base_url, lang, page_path, width):
    page = new_page(width, 800).page
    page.goto(root(base_url, lang) + page_path)
    page.wait_for_selector(".md-typeset__scrollwrap")
    tables = page.locator(".md-content table:not([class])")
    assert tables.count() >= 2
    for i in range(tables.count()):
        size = tables.nth(i).evaluate(OVERFLOW_JS)
        if page_path == "staff/" or i == 0:  # the staff's tables on a desktop, the parents' sessions table on a phone
            assert size["scroll"] <= size["client"], (i, size)
        elif size["scroll"] > size["client"]:  # a phone table too wide to fit: its frame says so
            assert "gradient" in size["shadow"], (i, size)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if width == 375:
        tables.first.scroll_into_view_if_needed()
        shot(page, f"parents-{lang}-375.png")


# A link each page's form writes (the parents' guide asks the parents' question).
SHARED = {"calculator/": "#q=contribution&age=30&route=outside&modality=individual&bim=true&first_session=false&date=2024-03-01",
          "parents/": "#q=family_contribution&age=30&modality=individual&bim=true&first_session=false&date=2024-03-01"}


@pytest.mark.parametrize("lang, page_path", [("fr", "calculator/"), ("nl", "parents/")])
def test_phone_answer_stays_in_view_and_a_shared_link_opens_on_it(new_page, base_url, lang, page_path):
    page = new_page(375, 740).page
    page.goto(root(base_url, lang) + page_path)
    page.wait_for_selector(".calc--ready", timeout=90_000)
    age = page.locator("#calc-age")
    age.scroll_into_view_if_needed()
    age.fill("40")
    page.wait_for_selector("#calc-summary .calc__amount")
    summary = page.locator("#calc-summary")
    box = summary.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= 740 + 1, box  # in view while the reader types
    assert summary.get_attribute("aria-hidden") == "true"
    assert page.locator("#calc-result").get_attribute("aria-live") == "polite"
    assert page.evaluate("document.activeElement.id") == "calc-age"  # no focus taken
    assert summary.inner_text() == page.locator("#calc-result .calc__figure").first.inner_text()
    shot(page, f"phone-answer-{lang}.png")
    # a shared link opens with its answer on the screen
    page.goto("about:blank")
    page.goto(root(base_url, lang) + page_path + SHARED[page_path])
    page.wait_for_selector(".calc--ready", timeout=90_000)
    figure = page.locator("#calc-result .calc__figure").bounding_box()
    assert 0 <= figure["y"] < 740 - figure["height"], figure
    assert page.evaluate("scrollY") > 0
    shot(page, f"phone-shared-{lang}.png")


# A visually hidden control shows its focus on the label after it (the theme's colour-scheme toggle).
FOCUS_JS = """() => { const seen = n => n.checkVisibility({visibilityProperty: true, opacityProperty: true}) && n.getBoundingClientRect().width > 1;
  let e = document.activeElement; const next = e.nextElementSibling; if (!seen(e) && next && next.tagName === 'LABEL') e = next;
  const s = getComputedStyle(e);
  const rgb = c => (c.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const lum = c => { const v = rgb(c).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
                     return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  let bg = 'rgb(255, 255, 255)';
  for (let n = e; n; n = n.parentElement) { const b = getComputedStyle(n).backgroundColor;
    const alpha = b.startsWith('rgba') ? Number((b.match(/[\d.]+/g) || [])[3]) : 1;  // a faint tint shows what is under it
    if (alpha >= 0.5) { bg = b; break; } }
  const [a, b] = [lum(s.outlineColor), lum(bg)].sort((x, y) => y - x);
  return {tag: e.tagName, id: e.id, cls: String(e.className), text: (e.textContent || '').trim().slice(0, 30),
          style: s.outlineStyle, width: parseFloat(s.outlineWidth), contrast: (a + 0.05) / (b + 0.05),
          visible: seen(e)}; }"""


@pytest.mark.parametrize("lang", LANGS)
def test_every_tab_stop_shows_a_visible_focus(new_page, base_url, lang):
    page = new_page(1280, 900).page
    page.goto(root(base_url, lang) + "calculator/")
    page.wait_for_selector(".calc--ready", timeout=90_000)
    seen, date_seen = [], False
    for _ in range(70):
        page.keyboard.press("Tab")
        page.wait_for_timeout(120)  # the theme's transitions (the skip link slides in)
        f = page.evaluate(FOCUS_JS)
        if f["tag"] == "BODY":
            break
        seen.append(f)
        date_seen |= f["id"] == "calc-date"
        assert f["visible"], f"a hidden Tab stop: {f}"
        assert f["style"] != "none" and f["width"] >= 2, f"no focus indicator: {f}"
        assert f["contrast"] >= 3, f"focus indicator below 3:1: {f}"
    assert len(seen) > 20 and date_seen, [s["id"] or s["text"] for s in seen]
    # the language menu's items when focused: dark text, not the theme's faint grey
    page.locator(".md-select__link").first.focus()
    colors = page.locator(".md-select__link").first.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).outlineStyle]")
    assert colors[1] != "none" and colors[0] in ("rgba(0, 0, 0, 0.87)", "rgb(0, 0, 0)"), colors


@pytest.mark.parametrize("lang", LANGS)
def test_without_javascript_only_what_works_shows(browser, base_url, lang):
    ctx = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    page = ctx.new_page()
    page.goto(root(base_url, lang) + "calculator/")
    notice = page.locator(".calc__noscript")
    assert notice.is_visible() and catalog(lang)["calculator"]["noscript"] in notice.inner_text()
    assert page.locator("#calc-form").is_hidden() and page.locator("#calc-age").is_hidden()
    # the notice is the first thing of the calculator, and leads to the answer and to the tables
    assert notice.bounding_box()["y"] < page.locator("#calc-result").bounding_box()["y"]
    assert page.locator("#calc-result .calc__amount").is_visible()
    href = notice.locator("a").get_attribute("href")
    assert href.endswith("#tables") and page.locator("#tables").is_visible()
    ctx.close()


@pytest.mark.parametrize("lang", LANGS)
def test_print_shows_the_choices_the_published_addresses_and_the_whole_table(new_page, base_url, lang):
    page = new_page(1280, 900).page
    page.goto(root(base_url, lang) + "calculator/" + SHARED["calculator/"])
    page.wait_for_selector(".calc--ready", timeout=90_000)
    page.emulate_media(media="print")
    form = page.locator("#calc-form")
    assert form.is_visible()
    printed = form.inner_text()
    age_label = page.locator("label[for=calc-age]").inner_text()
    checked = page.locator("fieldset:not([hidden]) > .calc__choice:has(input:checked)")  # of the fields the choices show
    assert age_label in printed and page.locator("#calc-age").input_value() == "30"
    for i in range(checked.count()):
        assert checked.nth(i).is_visible()
    assert page.locator(".calc__choice:not(:has(input:checked))").first.is_hidden()  # options not chosen are left out
    assert page.locator("#calc-result .calc__amount").is_visible()
    if lang == "fr":
        page.pdf(path=str(SHOTS / "print-calculator-fr.pdf")) if SHOTS.is_dir() else None
    # links print their published address, from SITE_URL at build time
    page.goto(root(base_url, lang) + "staff/")
    link = page.locator("article a[href^='../']:not(.headerlink):not(.para-link)").first
    href = link.get_attribute("href")
    printed_after = link.evaluate("a => getComputedStyle(a, '::after').content")
    expected = page.evaluate("([base, h]) => new URL(h, base).href",
                             [site_url() + ("nl/" if lang == "nl" else "") + "staff/", href])
    assert printed_after == f'" [{expected}]"' and expected.startswith(site_url()), (href, printed_after)
    # the pseudocode table keeps all its columns on paper (A4 landscape: 1123 px less the margins)
    page.set_viewport_size({"width": 1050, "height": 800})
    page.goto(root(base_url, lang) + "pseudocodes/")
    size = page.locator("#pseudocode-table").evaluate(OVERFLOW_JS)
    assert size["scroll"] <= size["client"] + 1 and size["right"] <= 1050, size
    assert page.locator("#pseudocode-table thead th").last.is_visible()
    if SHOTS.is_dir():
        page.pdf(path=str(SHOTS / f"print-pseudocodes-{lang}.pdf"), landscape=True, prefer_css_page_size=True)
        shot(page, f"print-pseudocodes-{lang}.png")


def test_remgeld_finds_the_riziv_note_near_the_top(new_page, base_url):
    results = search(new_page(), base_url + "nl/", "remgeld")
    pages = list(dict.fromkeys(re.sub(r"[?#].*", "", h) for h, _ in results))
    note = next(i for i, p in enumerate(pages) if p.endswith("riziv-note-clb/"))
    assert note <= 2, pages


@pytest.mark.parametrize("lang", LANGS)
def test_a_code_search_lands_on_its_row_not_on_the_whole_table(new_page, base_url, lang):
    watch = new_page()
    results = search(watch, root(base_url, lang), "793973")
    assert results, "no result"
    # The first result is what the search box opens on Enter: the theme's "first (best)
    # result", the highest-scored link of the first result group (whose page title heads it).
    first = watch.page.locator(".md-search-result__item").first.locator("a")
    scored = [(float(first.nth(i).locator("article").get_attribute("data-md-score")), results[i])
              for i in range(first.count())]
    first_href, first_text = max(scored, key=lambda s: s[0])[1]
    assert re.search(r"#code-793973$", first_href), results[:3]
    assert len(first_text) < 600, first_text  # a row, not the annex table as one block
    assert not any(re.search(r"annex-pseudocodes/(\?[^#]*)?#codes$", h) for h, _ in results), results
    watch.page.keyboard.press("Enter")
    watch.page.wait_for_url(re.compile(r"#code-793973$"))
    assert watch.page.locator("#code-793973").is_visible()
