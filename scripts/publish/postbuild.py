"""Steps after MkDocs, on the new site folder before it is published.

- Search by paragraph: MkDocs' search index cuts pages at headings only. For
  the official texts and the pseudocode table we index every paragraph, list
  item and table row under its own anchor, so a search for "remgeld" or
  "792632" lands on the exact paragraph or row, in the reader's language
  (each language has its own index: the two sites are separate builds).
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from scripts.publish.published import root_path, site_url

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Capture(HTMLParser):
    """Text of every element whose id is wanted, the heading above it, and the
    page's introduction: the article's text (not its h1) before the first wanted id."""

    def __init__(self, wanted: set[str]):
        super().__init__(convert_charrefs=True)
        self.wanted = wanted
        self.open: list[tuple[str, str | None]] = []  # (tag, captured id or None)
        self.active: dict[str, list[str]] = {}
        self.texts: dict[str, str] = {}
        self.section: dict[str, str] = {}
        self.containers: set[str] = set()  # wanted ids holding other wanted ids
        self.heading: str = ""
        self._in_heading: list[str] | None = None
        self._skip = 0
        self.intro: list[str] | None = None  # collecting from <article> to the first wanted id
        self._intro_done = False
        self._in_h1 = False

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag in ("script", "style") or "headerlink" in cls:
            self._skip += 1
            self.open.append((tag, "__skip__"))
            return
        if tag in ("h2", "h3", "h4"):
            self._in_heading = []
        if tag == "article" and "md-content__inner" in cls and self.intro is None:
            self.intro = []
        self._in_h1 = self._in_h1 or tag == "h1"
        aid = a.get("id")
        if aid in self.wanted:
            self._intro_done = True
        if aid in self.wanted and self.active:
            self.containers.update(self.active)  # e.g. a table whose rows are indexed
        if aid in self.wanted and aid not in self.texts and aid not in self.active:
            self.active[aid] = []
            self.section[aid] = self.heading
            self.open.append((tag, aid))
        else:
            self.open.append((tag, None))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.open:
            t, aid = self.open.pop()
            if aid == "__skip__":
                self._skip -= 1
            elif aid:
                self.texts[aid] = re.sub(r"\s+", " ", "".join(self.active.pop(aid))).strip()
            if t == tag:
                break
        if tag in ("h2", "h3", "h4") and self._in_heading is not None:
            self.heading = re.sub(r"\s+", " ", "".join(self._in_heading)).strip()
            self._in_heading = None
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if self._skip:
            return
        for parts in self.active.values():
            parts.append(data)
        if self._in_heading is not None:
            self._in_heading.append(data)
        if self.intro is not None and not self._intro_done and not self._in_h1:
            self.intro.append(data)

    def introduction(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.intro or [])).strip()


def paragraph_entries(page_html: str, location: str, anchors: list[str], page_title: str) -> tuple[str, list[dict]]:
    """The page's introduction, and one search entry per wanted anchor."""
    cap = _Capture(set(anchors))
    cap.feed(page_html)
    entries = []
    for aid in anchors:
        text = cap.texts.get(aid)
        if not text or aid in cap.containers:
            continue  # a table is found by its rows (a code's search lands on its row), not as one block
        section = cap.section.get(aid) or page_title
        title = page_title if section == page_title else f"{page_title} · {section}"
        entries.append({"location": f"{location}#{aid}", "title": html.escape(title, quote=False),
                        "text": html.escape(text, quote=False)})
    return cap.introduction(), entries


# Search boost of a pseudocode's row (annex 1, the pseudocode table), so a code's search lands
# on its row. The theme scores a page entry (1 + 2²) / (1 + 1²) = 2.5 times a section's, and
# BM25 (k1 = 1.2) lets a text holding the code many times score at most 2.2 times one holding
# it once: above 2.5 × 2.2 = 5.5, a row outranks a page whose introduction lists the code
# (the staff guide's does), however often.
ROW_BOOST = 6


def index_paragraphs(lang_root: Path, pages: dict[str, tuple[str, list[str]]], rows: set[str] = frozenset()) -> int:
    """pages: {location ('amendment-5/'): (title, [anchor ids])}; rows: the anchors of
    table rows (boosted by ROW_BOOST). Rewrites lang_root/search/search_index.json;
    returns the number of entries added."""
    index_path = lang_root / "search" / "search_index.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    added = 0
    docs = []
    for entry in index["docs"]:
        loc = entry["location"]
        page, _, frag = loc.partition("#")
        if page in pages and frag:
            continue  # heading sections of an indexed page: replaced by paragraphs
        docs.append(entry)
        if page in pages and not frag:
            title, anchors = pages[page]
            page_html = (lang_root / page / "index.html").read_text(encoding="utf-8")
            intro, extra = paragraph_entries(page_html, page, anchors, title)
            # The page entry keeps only the introduction: its paragraphs and rows have their
            # own entries, and the theme ranks a page entry 2.5 times a section's (its post-query
            # boost), so a page entry holding every row's text outranks the row a reader seeks
            # ("793973" found the annex as one block of 6000 characters, not the code's row).
            entry["text"] = html.escape(intro, quote=False)
            for e in extra:
                boost = max(entry.get("boost", 1), ROW_BOOST if e["location"].partition("#")[2] in rows else 1)
                if boost != 1:  # the page's search boost (front matter) holds for its paragraphs
                    e["boost"] = boost
            docs += extra
            added += len(extra)
    index["docs"] = docs
    index_path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return added


_ARTICLE = re.compile(r'(<article class="md-content__inner md-typeset">)(.*?)(</article>)', re.S)
_LINK = re.compile(r'<a\b[^>]*>')
_HREF = re.compile(r'\shref="([^"]*)"')
_SELF_LINK = re.compile(r'class="[^"]*\b(?:headerlink|para-link|footnote-ref|footnote-backref)\b')


def print_addresses(page_html: str, page_url: str) -> str:
    """Each link of a page's text also carries its PUBLISHED address,
    data-print-href, which the printed page shows after the link (site.css
    @media print): on paper "../nl/amendment-5/" means nothing. page_url is the
    page's absolute address (site_url, from SITE_URL at build time)."""
    from urllib.parse import urljoin

    def link(m):
        tag = m.group(0)
        href = _HREF.search(tag)
        if not href or "data-print-href" in tag or _SELF_LINK.search(tag) or href.group(1).startswith(("mailto:", "javascript:")):
            return tag  # links the printed page does not show (site.css)
        address = html.escape(urljoin(page_url, html.unescape(href.group(1))))
        return f'{tag[:-1]} data-print-href="{address}">'

    return _ARTICLE.sub(lambda m: m.group(1) + _LINK.sub(link, m.group(2)) + m.group(3), page_html)


def root_404_links(page_html: str, root: str) -> str:
    """A 404 page is served at ANY missing address, so its links cannot be
    relative; MkDocs (site_url "") writes them from the domain root, "/x/", and
    the Dutch build's "/x/" means the Dutch page. Point them at the published
    root: root is the path of SITE_URL plus "nl/" for the Dutch 404 page,
    e.g. "/repo/nl/" for a GitHub Pages project site."""
    page_html = re.sub(r'((?:href|src)=")/(?!/)', lambda m: m.group(1) + root, page_html)
    return re.sub(r'("(?:base|search)": ")/(?!/)', lambda m: m.group(1) + root, page_html)


def postbuild(site: Path, docs=None) -> None:
    # GitHub Pages: serve folders starting with '_' and skip Jekyll.
    (site / ".nojekyll").write_text("", encoding="utf-8")
    for page, prefix in ((site / "404.html", ""), (site / "nl" / "404.html", "nl/")):
        if page.exists():
            page.write_text(root_404_links(page.read_text(encoding="utf-8"), root_path() + prefix), encoding="utf-8")
    base = site_url()
    for page in site.rglob("index.html"):
        rel = page.parent.relative_to(site).as_posix()
        if rel.split("/")[0] in ("assets", "search") or "/assets/" in f"/{rel}/":
            continue
        page_url = base + ("" if rel == "." else rel + "/")
        text = page.read_text(encoding="utf-8")
        marked = print_addresses(text, page_url)
        if marked != text:
            page.write_text(marked, encoding="utf-8")
    if docs:
        for lang, root in (("fr", site), ("nl", site / "nl")):
            pages = {f"{doc_id}/": (langs[lang].meta["short_title"], [a for a, _ in langs[lang].anchors()])
                     for doc_id, langs in docs.items()}
            codes = [f"code-{c}" for c in docs["annex-pseudocodes"][lang].table_codes()]
            table_title = re.search(r"<h1[^>]*>(.*?)</h1>", (root / "pseudocodes" / "index.html").read_text(encoding="utf-8"), re.S)
            pages["pseudocodes/"] = (re.sub(r"<a class=\"headerlink\".*?</a>|<[^>]+>", "", table_title.group(1)).strip() if table_title else "Pseudocodes", codes)
            index_paragraphs(root, pages, rows=set(codes))
    from scripts.render.calculator_page import publish; publish(site)  # Pyodide runtime in assets/pyodide/, embed pages
    from scripts.publish.security import apply_csp; apply_csp(site)  # CSP meta + header files (last: hashes the final HTML)
