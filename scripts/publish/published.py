"""The address where site/ is published: the SITE_URL environment variable at
build time (mkdocs.yml's extra.site_url reads the same variable, with the same
default: `make serve`'s address). Python's one reader of it."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

DEFAULT_SITE_URL = "http://127.0.0.1:8000/"


def site_url() -> str:
    """The published address, ending with "/"."""
    url = os.environ.get("SITE_URL") or DEFAULT_SITE_URL
    return url if url.endswith("/") else url + "/"


def root_path() -> str:
    """The path of the published address: "/" at a domain root, "/repo/" under a sub-path."""
    return urlsplit(site_url()).path
