#!/usr/bin/env python3
"""Check every internal link and anchor of a built book, offline (see carnet.cli.linkcheck).

Usage: scripts/check_links.py [_build/html]    Prints each broken link; exits 1 if there is any.
"""

from __future__ import annotations

import sys
from pathlib import Path

from carnet.cli.linkcheck import broken_links


def main(argv: list[str]) -> int:
    """Check the folder given (default ``_build/html``) and report."""
    html = Path(argv[1] if len(argv) > 1 else "_build/html")
    if not (html / "index.html").is_file():
        print(f"check_links: {html}/index.html not found; build the book first", file=sys.stderr)
        return 2
    broken = broken_links(html, prefix="/carnet-check/")
    for link in broken:
        print(f"broken link: {link.message()}")
    print(f"check_links: {len(broken)} broken internal link(s) in {html}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
