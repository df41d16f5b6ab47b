"""Serve site/ on localhost with the right MIME types (.wasm, .mjs).

    python -m scripts.dev.serve [--port 8000] [--prefix /sub/path/]

--prefix serves the site under a sub-path, as many static hosts do; the tests
use it to prove that every link is relative.
"""

import argparse
import functools
import http.server
import sys
from pathlib import Path

SITE = Path(__file__).resolve().parents[2] / "site"


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".json": "application/json",
        ".zip": "application/zip",
        ".whl": "application/zip",
    }
    prefix = "/"

    def translate_path(self, path):
        if self.prefix != "/":
            if not path.startswith(self.prefix):
                return str(SITE / "__outside_prefix__")
            path = "/" + path[len(self.prefix):]
        return super().translate_path(path)

    def log_message(self, format, *args):  # quiet
        pass


def make_server(port: int = 0, prefix: str = "/", root: Path = SITE) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(type("H", (Handler,), {"prefix": prefix}), directory=str(root))
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--prefix", default="/")
    args = ap.parse_args()
    if not (SITE / "index.html").exists():
        print("site/ is not built: run `make site`", file=sys.stderr)
        return 1
    server = make_server(args.port, args.prefix)
    print(f"Serving site/ on http://127.0.0.1:{args.port}{args.prefix}  (Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
