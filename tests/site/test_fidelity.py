"""Nothing lost: every word of each original text is on its page, in order."""

from scripts.check.fidelity import share

DOCS = ["circular-8761", "inami-letter-2023", "amendment-5", "annex-pseudocodes", "riziv-note-clb"]


def texts_with_a_seed() -> list[str]:
    """The five first texts, and any text added later that names its raw extraction (seed)."""
    from scripts.check.sources import load_checked

    later = [d for d, langs in sorted(load_checked().items()) if d not in DOCS
             and next(s for s in langs.values() if s.is_original).meta.get("seed") != "none"]
    return DOCS + later


def test_every_seed_word_is_on_the_page_in_order(site):
    shares = {}
    for doc in texts_with_a_seed():
        matched, total, missing = share(doc, site)
        shares[doc] = (matched / total, missing)
    print("\n".join(f"{d}: {100 * s:.2f} % {m[:10]}" for d, (s, m) in shares.items()))
    for doc, (s, missing) in shares.items():
        assert s >= 0.995, f"{doc}: {100 * s:.2f} % of the seed words found; missing: {missing[:40]}"
