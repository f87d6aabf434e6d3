#!/usr/bin/env python3
"""Check every internal link and anchor of a built book, offline (see carnet.cli.linkcheck).

Usage: scripts/check_links.py [_build/html [PREFIX]]    Prints each broken link; exits 1 if there is any.
PREFIX is the path the site is published under (default: from the book's _config.yml).
"""

from __future__ import annotations

import sys
from pathlib import Path

from carnet.cli.book import published_path
from carnet.cli.linkcheck import ParsedSite, broken_links
from carnet.core.paths import BookPaths


def main(argv: list[str]) -> int:
    """Check the folder given (default ``_build/html``) and report."""
    html = Path(argv[1] if len(argv) > 1 else "_build/html")
    if not (html / "index.html").is_file():
        print(f"check_links: {html}/index.html not found; build the book first", file=sys.stderr)
        return 2
    book = html.resolve().parent.parent  # <book>/_build/html
    if len(argv) > 2:
        prefix = argv[2]
    else:
        prefix = published_path(BookPaths(book)) if (book / "_config.yml").is_file() else "/"
    broken = broken_links(ParsedSite(html), prefix)
    for link in broken:
        print(f"broken link: {link.message()}")
    print(f"check_links: {len(broken)} broken internal link(s) in {html}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
