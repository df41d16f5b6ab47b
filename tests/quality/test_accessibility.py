"""Accessibility: zero axe-core violations of WCAG 2.2 A/AA on every page of
both languages, in the light and in the dark colour scheme (dark mode keeps its
contrast). The calculator's states are in test_calculator_states.py."""

import pytest

from tests.quality.qa import FIGURES, describe


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violation(request, hosted_url, page, scheme):
    watch = request.getfixturevalue(scheme)
    watch.goto(hosted_url + page)
    if scheme == "dark":  # the theme's pages follow the reader's preference (the embed page has its own CSS)
        assert watch.page.evaluate("document.body.dataset.mdColorScheme") in ("slate", None), "dark mode not applied"
    violations = watch.axe()
    FIGURES[f"axe violations ({scheme})"][page or "home"] = sum(len(v["nodes"]) for v in violations)
    assert violations == [], f"{page or 'home'} ({scheme}):\n{describe(violations)}"
