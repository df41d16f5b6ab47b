"""The calculator in a real browser (Debian chromium), against the built site,
in both languages.

The engine (Pyodide in a module worker) takes a few seconds to start: each test
that needs it boots it once and runs many answers through the page. Every
answer the page shows is compared with calculator.answer() in CPython.
"""

from __future__ import annotations

import re

import pytest

import calculator
from calculator import form, present
from scripts.render.calculator_page import build_date, catalog
from scripts.publish.published import site_url
from tests.quality.qa import AXE, AXE_TAGS, describe
from tests.calculator_page.calcpage import (BUILT_VIEW_JS, CONTAINER_JS, LANG_PREFIX, PAGE_VIEW_JS, Scenario,
                                            expected_fragment, expected_view, fragment_fields, load_scenarios, today,
                                            wait_for_view)

SCENARIOS = load_scenarios()
BOOT_TIMEOUT_MS = 120_000


def lang_root(base_url: str, lang: str) -> str:
    return base_url + LANG_PREFIX[lang]


def wait_ready(page) -> None:
    page.wait_for_selector("#calculator[aria-busy=false]", timeout=BOOT_TIMEOUT_MS)
    assert page.locator("#calc-failed").is_hidden(), page.locator("#calc-failed").inner_text()


def check_scenario(page, s: Scenario, lang: str, base_url: str) -> list[str]:
    """Problems of the page's answer to scenario s (empty: the page is right)."""
    values, overrides = s.values(today())
    expected = expected_view(s.question, values, overrides, lang, lang_root(base_url, lang))
    problems = []
    if expected["state"] != s.expect:
        problems.append(f"the scenario expects {s.expect}, CPython gives {expected['state']}")
    seen = wait_for_view(page, expected)
    if seen != expected:
        diff = {k: (seen.get(k), expected[k]) for k in expected if seen.get(k) != expected[k]}
        problems.append(f"page != CPython: {diff}")
    # the fragment follows the inputs (written a moment after the last change)
    want_fragment = expected_fragment(s.question, values, overrides)
    for _ in range(100):
        box = page.evaluate(CONTAINER_JS)
        if fragment_fields(box["hash"]) == want_fragment:
            break
        page.wait_for_timeout(20)
    else:
        problems.append(f"fragment {box['hash']} != {want_fragment}")
    if expected["fieldErrors"]:
        for key in expected["fieldErrors"]:
            if f"calc-{key}" not in box["invalid"]:
                problems.append(f"field {key} is not marked aria-invalid ({box['invalid']})")
            elif f"calc-{key}-error" not in (box["describedby"].get(f"calc-{key}") or ""):
                problems.append(f"field {key}'s message is not in its aria-describedby")
    elif box["invalid"]:
        problems.append(f"fields marked invalid without an error: {box['invalid']}")
    return problems


def run_scenarios(page, lang: str, base_url: str) -> dict[str, list[str]]:
    failures = {}
    for s in SCENARIOS:
        page.evaluate("h => { location.hash = h; }", s.fragment())
        problems = check_scenario(page, s, lang, base_url)
        if problems:
            failures[s.name] = problems
    return failures


def test_scenarios_equal_cpython_in_both_languages_and_links_restore_state(new_page, base_url):
    """Every scenario in French, then the language switch, then every scenario in
    Dutch: two engine boots. The first scenario of each language comes from a
    link opened in a fresh page (a shared link restores the state)."""
    watch = new_page()
    page = watch.page
    first = SCENARIOS[0]
    page.goto(base_url + "calculator/" + first.fragment())
    wait_ready(page)
    assert check_scenario(page, first, "fr", base_url) == []
    failures = run_scenarios(page, "fr", base_url)
    assert failures == {}, failures

    # The language switch keeps the inputs (the fragment).
    shared = SCENARIOS[8]  # a course: many fields
    page.evaluate("h => { location.hash = h; }", shared.fragment())
    assert check_scenario(page, shared, "fr", base_url) == []
    page.locator(".md-header__option .md-select button").first.hover()
    page.locator("a[data-language-switch][hreflang='nl'].md-select__link").click()
    page.wait_for_url(re.compile(r"/nl/calculator/#q=course"))
    wait_ready(page)
    assert check_scenario(page, shared, "nl", base_url) == []
    failures = run_scenarios(page, "nl", base_url)
    assert failures == {}, failures
    assert watch.console_errors == []


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_prebuilt_answer_before_the_engine_then_the_engines(new_page, base_url, lang):
    """Before the engine is ready the page already shows the answer for its
    default inputs (computed at build time by the same package), says that the
    calculator is loading, and the container is aria-busy. The runtime is held
    back here; the engine's own answer is checked by the scenario test."""
    watch = new_page()
    page = watch.page
    held = []
    page.route("**/assets/pyodide/**/pyodide.asm.wasm", lambda route: held.append(route))
    page.goto(lang_root(base_url, lang) + "calculator/")
    page.wait_for_function("() => document.querySelector('#calc-all') && !document.querySelector('#calc-all').disabled")
    box = page.evaluate(CONTAINER_JS)
    assert box["busy"] == "true"
    t = catalog(lang)["calculator"]
    assert box["status"] == t["status_loading"]
    assert page.locator("#calc-status").is_visible()
    default = Scenario("default", {"q": "contribution"}, "answer")
    values, overrides = default.values(today())
    expected = expected_view("contribution", values, overrides, lang, lang_root(base_url, lang))
    assert page.evaluate(PAGE_VIEW_JS) == expected
    # The answer the HTML carries (before any script) is the same.
    assert page.evaluate(BUILT_VIEW_JS) == expected
    # A state the build did not compute waits for the engine, and says so.
    page.evaluate("h => { location.hash = h; }", SCENARIOS[1].fragment())
    page.wait_for_function("() => document.getElementById('calc-result').dataset.state === 'pending'")
    assert page.evaluate(CONTAINER_JS)["status"] == t["status_waiting"]
    assert page.locator("#calc-result").inner_text().strip() == t["pending"]
    assert page.locator("#calc-share").is_hidden(), "no link to a state whose fragment the package has not given"
    for route in held:
        route.abort()


def test_later_day_waits_for_the_engine(new_page, base_url):
    """Read on a later day than the build (the date field says today): the views
    shipped are for the build's day, so the page says the answer comes once the
    engine is ready (a view for another day is the package's to word), then
    shows the engine's answer for today."""
    from datetime import date, datetime, timedelta

    later = date.fromisoformat(build_date()) + timedelta(days=3)
    watch = new_page()
    page = watch.page
    page.clock.set_fixed_time(datetime(later.year, later.month, later.day, 12, 0))
    held = []
    page.route("**/assets/pyodide/**/pyodide.asm.wasm", lambda route: held.append(route))
    page.goto(base_url + "calculator/")
    page.wait_for_function("() => !document.querySelector('#calc-all').disabled")
    assert page.input_value("#calc-date") == later.isoformat()
    assert page.evaluate(PAGE_VIEW_JS)["state"] == "pending"
    for route in held:
        route.continue_()
    page.wait_for_selector("#calculator[aria-busy=false]", timeout=BOOT_TIMEOUT_MS)
    s = Scenario("later", {"q": "contribution", "date": later.isoformat()}, "answer")
    values, overrides = s.values(later.isoformat())
    expected = expected_view("contribution", values, overrides, "fr", base_url)
    assert wait_for_view(page, expected) == expected


def test_keyboard_only(new_page, base_url):
    """Tab into the form, choose a question with the arrow keys, type, tick a box:
    the answer follows, without a mouse."""
    watch = new_page()
    page = watch.page
    page.goto(base_url + "calculator/")
    wait_ready(page)
    # Tab from the top of the page until the focus reaches the first question.
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.name === 'calc-question'"):
            break
    else:
        pytest.fail("Tab never reached the calculator's first question")
    assert page.evaluate("() => document.activeElement.value") == "contribution"
    page.keyboard.press("ArrowDown")  # -> "course"
    assert page.evaluate("() => document.activeElement.value") == "course"
    assert page.evaluate("() => document.getElementById('calc-question-course').checked")
    # Tab to the age, type a new one.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "calc-age":
            break
    assert page.evaluate("() => document.activeElement.id") == "calc-age"
    page.keyboard.press("Control+A")
    page.keyboard.type("30")
    # Tab on to the sessions and type 4.
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "calc-sessions":
            break
    assert page.evaluate("() => document.activeElement.id") == "calc-sessions"
    page.keyboard.press("Control+A")
    page.keyboard.type("4")
    # Tab to "the course starts with the very first session" and untick it with Space.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "calc-course_first"
    page.keyboard.press("Space")
    state = {"q": "course", "age": 30, "sessions": 4, "first_session": False}
    s = Scenario("keyboard", state, "answer")
    assert check_scenario(page, s, "fr", base_url) == []
    # Enter does not submit anything (no round trip): the page stays, the answer too.
    url = page.url
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_timeout(200)
    assert page.url == url


@pytest.mark.parametrize("lang, message", [("fr", "il faut un nombre entre 0 et 120"),
                                            ("nl", "is een getal tussen 0 en 120 nodig")])
def test_bad_input_typed_shows_the_localized_message_next_to_the_field(new_page, base_url, lang, message):
    watch = new_page(width=360, height=800)
    page = watch.page
    page.goto(lang_root(base_url, lang) + "calculator/")
    wait_ready(page)
    page.fill("#calc-age", "-2")
    error = page.locator("#calc-age-error")
    error.wait_for(state="visible")
    assert message in error.inner_text()
    assert page.get_attribute("#calc-age", "aria-invalid") == "true"
    assert "calc-age-error" in page.get_attribute("#calc-age", "aria-describedby")
    # the message is also in the live region, and nothing shows NaN or a traceback
    result = page.locator("#calc-result").inner_text()
    assert message in result
    text = page.locator("#calculator").inner_text()
    for bad in ("NaN", "Traceback", "undefined", "null", "[object"):
        assert bad not in text
    # fixing the field clears the message
    page.fill("#calc-age", "12")
    error.wait_for(state="hidden")
    assert page.get_attribute("#calc-age", "aria-invalid") is None


def test_phone_width(new_page, base_url):
    """360 px: nothing wider than the screen, inputs and the answer usable."""
    watch = new_page(width=360, height=740, is_mobile=True, has_touch=True)
    page = watch.page
    page.goto(base_url + "nl/calculator/#q=course&age=16&sessions=8")
    wait_ready(page)
    widths = page.evaluate("""() => ({
        doc: document.documentElement.scrollWidth,
        calc: document.getElementById('calculator').getBoundingClientRect().right,
        wide: [...document.querySelectorAll('#calculator *')].filter(e => e.getBoundingClientRect().right > 361 && e.offsetParent).map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 5),
    })""")
    assert widths["doc"] <= 360, widths
    assert widths["calc"] <= 360, widths
    assert widths["wide"] == [], widths
    for selector in ("#calc-age", "#calc-sessions", "#calc-place", "#calc-question-course"):
        box = page.locator(selector).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360, (selector, box)
    # touch targets: each choice and input is at least 44 px high (radios via their label)
    heights = page.evaluate("""() => [...document.querySelectorAll('#calculator .calc__choice, #calculator select, #calculator input[type=number], #calculator input[type=date]')]
        .filter(e => e.offsetParent).map(e => e.getBoundingClientRect().height)""")
    assert min(heights) >= 44, heights
    page.tap("#calc-question-quota")
    page.wait_for_function("() => !document.querySelector('[data-key=care_type]').hidden")
    page.wait_for_function("() => location.hash.includes('q=quota')")


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_without_javascript_the_page_gives_the_tables_and_says_why(browser, base_url, lang):
    t = catalog(lang)["calculator"]
    ctx = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    requests = []
    ctx.on("request", lambda r: requests.append(r.url))
    page = ctx.new_page()
    page.goto(lang_root(base_url, lang) + "calculator/")
    notice = page.locator(".calc__noscript")
    assert notice.is_visible()
    assert t["noscript"] in notice.inner_text()
    assert page.locator("#calc-status").is_hidden()  # no promise of a loading calculator
    assert page.locator("#calc-age").is_hidden()  # no unusable form (issue 13: it showed greyed out)
    # the answer for the default inputs and the tables are there
    assert page.locator("#calc-result .calc__amount").inner_text().strip()
    assert page.locator("#tables").is_visible()
    assert page.locator(".calc-table table").count() >= 4
    cells = page.locator(".calc-table td").all_inner_texts()
    assert any("€" in c for c in cells)
    assert not any("/assets/pyodide/" in u or u.endswith(".wasm") for u in requests), requests
    assert all(u.startswith(base_url) for u in requests), requests
    ctx.close()


def _block_wasm_by_csp(route):
    response = route.fetch()
    route.fulfill(response=response, headers={**response.headers,
                                              "content-security-policy": "default-src 'self'; script-src 'self'"})


@pytest.mark.parametrize("lang, how, kind", [("fr", "network", "runtime"), ("nl", "csp", "runtime"),
                                             ("nl", "worker", "worker")])
def test_engine_failure_shows_why_and_the_tables(new_page, base_url, lang, how, kind):
    """The runtime cannot load (network: the wasm download fails; csp: the
    worker may not compile WebAssembly, as under a strict policy or on a locked
    down phone), or the browser refuses the worker itself: the page says so at
    once, with the kind of failure in the reader's language (the technical
    detail, in English, goes to the console only), and points to the tables."""
    t = catalog(lang)["calculator"]
    watch = new_page()
    page = watch.page
    if how == "network":
        page.route("**/assets/pyodide/**/pyodide.asm.wasm", lambda route: route.abort())
    elif how == "csp":
        page.route("**/assets/calculator/engine-worker.mjs", _block_wasm_by_csp)
    else:
        page.route("**/assets/calculator/engine-worker.mjs", lambda route: route.abort())
    page.goto(lang_root(base_url, lang) + "calculator/")
    page.wait_for_selector("#calculator[aria-busy=false]", timeout=20_000)
    failed = page.locator("#calc-failed")
    assert failed.is_visible()
    said = failed.locator(".calc__failed-text").inner_text()
    assert said == t["failed"].replace("{reason}", t[f"failed_{kind}"]), said
    assert not re.search(r"wasm|worker|engine|Error|http", said), "no technical English in the message"
    assert page.locator("#calc-status").is_hidden()
    assert page.locator("#calc-age").is_disabled()
    link = failed.locator("a")
    link.click()
    page.wait_for_url(re.compile(r"#tables$"))
    assert page.locator(".calc-table").first.is_visible()
    # the answer computed at build time is still shown, never a blank
    assert page.locator("#calc-result .calc__amount").inner_text().strip()


def test_parents_page_embeds_a_compact_calculator(new_page, base_url):
    watch = new_page()
    page = watch.page
    held = []
    page.route("**/assets/pyodide/**/pyodide.asm.wasm", lambda route: held.append(route))
    page.goto(base_url + "parents/")
    questions = page.eval_on_selector_all("input[name=calc-question]", "els => els.map(e => e.value)")
    # the cost of a session asked with what a parent knows, not with the routes of the staff
    assert questions == ["family_contribution", "course", "quota", "networks"]
    default = Scenario("default", {"q": "family_contribution"}, "answer")
    values, overrides = default.values(today())
    expected = expected_view("family_contribution", values, overrides, "fr", base_url)
    page.wait_for_function("() => !document.querySelector('#calc-all').disabled")
    assert page.evaluate(PAGE_VIEW_JS) == expected
    assert page.locator("a[href='../calculator/']").count() >= 1
    for route in held:
        route.abort()


@pytest.mark.parametrize("lang", ["nl"])
def test_embed_page_works_alone(new_page, base_url, lang):
    """The page other sites frame: the calculator, its answers, links opening the
    full site in a new tab."""
    watch = new_page(width=400, height=900)
    page = watch.page
    page.goto(lang_root(base_url, lang) + "calculator/embed/#q=networks&age=16&date=2023-10-01")
    wait_ready(page)
    s = Scenario("embed", {"q": "networks", "age": 16, "date": "2023-10-01"}, "answer")
    assert check_scenario(page, s, lang, base_url) == []
    targets = page.eval_on_selector_all("#calc-details a", "els => els.map(a => a.target)")
    assert targets and set(targets) == {"_blank"}
    share = page.get_attribute("#calc-share-link", "href")
    assert share.startswith(lang_root(base_url, lang) + "calculator/#q=networks")
    assert page.locator("details#tables").count() == 1
    assert watch.console_errors == []


# The parents' form answered with "I don't know" (the centre's own convention), a CPMS, at
# school, on 1 October 2023: the amount depends on it.
DONT_KNOW = {"q": "family_contribution", "age": 16, "proposer": "centre", "centre": "cpms", "convention": "unknown",
             "place": "school", "modality": "individual", "bim": False, "first_session": False, "date": "2023-10-01"}
# The live region as the page shows it, and the build's HTML of the same view parsed by the browser.
# ... less the published addresses ui.mjs gives links for print (data-print-href, as
# scripts/publish/postbuild.py does for the built pages' links; checked on their own).
RESULT_HTML_JS = """() => { const c = document.getElementById('calc-result').cloneNode(true);
  c.querySelectorAll('[data-print-href]').forEach((a) => a.removeAttribute('data-print-href'));
  return c.innerHTML.trim(); }"""
# (present.html writes one top-level node a line: those line breaks are not part of the view)
PARSED_HTML_JS = """html => {
  const d = document.createElement('div');
  d.innerHTML = html;
  for (const n of [...d.childNodes]) if (n.nodeType === 3 && !n.textContent.trim()) n.remove();
  return d.innerHTML.trim();
}"""


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_parents_form_with_i_dont_know_shows_each_outcome_on_a_phone(new_page, base_url, lang):
    """On a 375 px phone, the parents' form: the reader picks "the CPMS or the CLB", the CPMS,
    "I don't know" and the school; the page shows each outcome with its condition, its amount and
    its sources, and who can tell. The live answer (Pyodide) is the CPython one, and its markup
    is the build's (present.html of the same view, the function the static pages use)."""
    watch = new_page(width=375, height=800)
    page = watch.page
    page.goto(lang_root(base_url, lang) + "parents/")
    wait_ready(page)
    page.check("#calc-proposer-centre")
    page.check("#calc-centre-cpms")
    page.check("#calc-convention-unknown")
    page.select_option("#calc-place", "school")
    page.fill("#calc-age", "16")
    page.fill("#calc-date", "2023-10-01")
    s = Scenario("dont-know", DONT_KNOW, "answer")
    values, overrides = s.values(today())
    assert form.request_for(s.question, values, overrides) == s.request(today())
    expected = expected_view(s.question, values, overrides, lang, lang_root(base_url, lang))
    assert wait_for_view(page, expected) == expected
    answer = calculator.answer(s.request(today()))
    outcomes = answer["result"]["outcomes"]
    assert len(outcomes) == 2 and answer["result"]["ask"] == "cpms"
    shown = page.locator(".calc__outcome")
    assert shown.count() == len(outcomes)
    for i, o in enumerate(outcomes):
        item = shown.nth(i)
        assert item.locator(".calc__condition").inner_text().strip() == o["condition"][lang]
        assert item.locator(".calc__outcome-amount").inner_text().strip() == present.money(o["amount_cents"], lang)
        hrefs = item.locator("a").evaluate_all("els => els.map(a => a.href)")
        assert hrefs == [f"{lang_root(base_url, lang)}{r.split('#')[0]}/#{r.split('#')[1]}" for r in o["citations"]]
        assert item.is_visible() and item.bounding_box()["width"] <= 375
    # the live markup is the build's for the same view
    view = present.view(answer, lang, lang_root(base_url, lang), question=s.question, values=values)
    assert page.evaluate(RESULT_HTML_JS) == page.evaluate(PARSED_HTML_JS, present.html(view["result"]))
    # on paper each link shows its published address, not the address it was served from
    links = page.locator("#calc-result a[href]").evaluate_all("els => els.map((a) => [a.href, a.dataset.printHref])")
    assert links and all(printed == site_url() + href[len(base_url):] for href, printed in links), links[:3]
    # no axe-core violation (WCAG 2.2 A/AA) in the calculator with the outcomes shown, sources opened
    for more in page.locator(".calc__outcome-sources summary").all():
        more.click()
    page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate("o => axe.run(document.getElementById('calculator'), o)", {"resultTypes": ["violations"],
                                                             "runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert violations["violations"] == [], describe(violations["violations"])
    # nothing wider than the phone; the share link keeps the state
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    for _ in range(100):
        if fragment_fields(page.evaluate(CONTAINER_JS)["hash"]) == expected_fragment(s.question, values, overrides):
            break
        page.wait_for_timeout(20)
    else:
        raise AssertionError(page.evaluate(CONTAINER_JS)["hash"])
    assert watch.console_errors == []


def test_choosing_a_modality_narrows_the_kinds_of_pseudocode(new_page, base_url):
    """Issue 13 item 4: the pseudocode form offers only the kinds (and teams) that some code
    has with the chosen care type and modality (calculator/form.py offered); a change that
    leaves a choice not offered moves it to an offered one (form.settle), so the reader
    never walks into "no pseudocode matches"."""
    from calculator import form

    watch = new_page()
    page = watch.page
    day = "2023-10-01"
    page.goto(base_url + f"calculator/#q=pseudocode&date={day}")
    wait_ready(page)
    shown_options = ("key => [...document.querySelectorAll(`#calc-${key} option`)]"
                     ".filter((o) => !o.hidden && !o.disabled).map((o) => o.value)")
    kind, modality, team = form.CONTROL["kind"], form.CONTROL["code_modality"], form.CONTROL["team"]

    def settled(**fields) -> dict:
        return form.settle("pseudocode", form.values_from_state(
            "pseudocode", {"date": day, **fields}, day)[0])

    for care in ("sppl", "sps", "none"):
        page.select_option("#calc-code_care_type", care)
        assert page.evaluate(shown_options, "code_modality") == \
            list(form.offered(modality, "pseudocode", settled(care_type=care)))
        for chosen in page.evaluate(shown_options, "code_modality"):
            page.select_option("#calc-code_modality", chosen)
            values = settled(care_type=care, modality=chosen)
            offered = list(form.offered(kind, "pseudocode", values))
            assert page.evaluate(shown_options, "kind") == offered, (care, chosen)
            assert len(offered) < len(kind.options)
            assert page.input_value("#calc-kind") in offered
            assert page.evaluate(shown_options, "team") == [""] + list(form.offered(team, "pseudocode", {
                **values, "kind": page.input_value("#calc-kind")}))
    # from an individual video session to the codes without care type: modality and kind follow
    page.select_option("#calc-code_care_type", "sppl")
    page.select_option("#calc-code_modality", "individual")
    page.select_option("#calc-kind", "video")
    page.select_option("#calc-code_care_type", "none")
    values = settled(care_type="none", modality="individual", kind="video")
    assert page.input_value("#calc-code_modality") == values["code_modality"] == "other"
    assert page.input_value("#calc-kind") == values["kind"]
    expected = expected_view("pseudocode", values, {}, "fr", base_url)
    assert expected["state"] == "answer"
    assert wait_for_view(page, expected) == expected


PHONE = dict(width=375, height=812, is_mobile=True, has_touch=True)


def _history_fits(page) -> dict:
    return page.evaluate("""() => {
        const t = document.querySelector('#calc-details table.calc__history');
        return {doc: document.documentElement.scrollWidth, right: t.getBoundingClientRect().right,
                cells: [...t.querySelectorAll('th, td')].filter(c => c.scrollWidth > c.clientWidth + 1).length};
    }""")


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_answers_history_on_a_phone(new_page, base_url, lang):
    """At 375 px, with the real engine: the history table the build wrote for the default
    inputs is the engine's too; after a change of the date and of the age it is the
    package's history of the new request (CPython), its own date's row marked; no cell
    is cut and nothing is wider than the screen."""
    watch = new_page(**PHONE)
    page = watch.page
    page.goto(lang_root(base_url, lang) + "calculator/")
    wait_ready(page)
    default = Scenario("default", {"q": "contribution"}, "answer")
    values, overrides = default.values(today())
    expected = expected_view("contribution", values, overrides, lang, lang_root(base_url, lang))
    assert expected["history"]["rows"], expected
    assert wait_for_view(page, expected) == expected
    assert page.evaluate(BUILT_VIEW_JS)["history"] == expected["history"]
    # 12 years old at the psychologist's office in October 2023: paid then, free from February 2024
    page.fill("#calc-date", "2023-10-01")
    s = Scenario("october-2023", {"q": "contribution", "date": "2023-10-01"}, "answer")
    expected = expected_view("contribution", *s.values(today()), lang, lang_root(base_url, lang))
    assert [r["current"] for r in expected["history"]["rows"]] == [True, False]
    assert wait_for_view(page, expected) == expected
    fits = _history_fits(page)
    assert fits["doc"] <= 375 and fits["right"] <= 375 and fits["cells"] == 0, fits
    page.fill("#calc-age", "30")
    s = Scenario("adult", {"q": "contribution", "date": "2023-10-01", "age": 30}, "answer")
    expected = expected_view("contribution", *s.values(today()), lang, lang_root(base_url, lang))
    assert len(expected["history"]["rows"]) == 1
    assert wait_for_view(page, expected) == expected
    assert page.locator("table.calc__history").is_visible()
    assert watch.console_errors == []
