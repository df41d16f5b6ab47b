"""MkDocs hooks: markup fixes to stock mkdocs-material that no template block
reaches (the theme is in maintenance mode; keep this list short).

- The drawer and search toggles are checkboxes with autocomplete="off", which
  HTML allows only on text-like inputs and forms (Nu HTML Checker error). The
  attribute only kept Firefox from restoring their state on reload; site.js
  unchecks them on `pageshow` instead.

Runs on every page and on the static templates (404.html).
"""

import re

_TOGGLE_AUTOCOMPLETE = re.compile(r'(<input class="md-toggle"[^>]*?type="checkbox"[^>]*?)\s+autocomplete="off"')


def _fix(html: str) -> str:
    return _TOGGLE_AUTOCOMPLETE.sub(r"\1", html)


def on_post_page(output, page, config):
    return _fix(output)


def on_post_template(output_content, template_name, config):
    return _fix(output_content) if template_name.endswith(".html") else output_content
