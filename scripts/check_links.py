#!/usr/bin/env python3
"""Check every internal link and anchor of a built book, offline.

Serves the HTML folder on 127.0.0.1 under a project subpath, as GitHub Pages will (linkchecker
also drops root privileges, so it could not read a root-owned temporary folder directly), and
runs linkchecker with its AnchorCheck plugin over every
page reachable from ``index.html``. External links are listed as skipped, never fetched. Prints
each broken link with the page it is on; exits 1 if there is any.

Usage: scripts/check_links.py [_build/html]
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import tempfile
from pathlib import Path

from carnet.serve import serve_directory

LINKCHECKER_CONFIG = """\
[checking]
threads=4
maxrequestspersecond=1000
recursionlevel=-1
[filtering]
checkextern=0
[output]
status=0
[AnchorCheck]
"""


def broken_links(html: Path, prefix: str = "/") -> list[dict[str, str]]:
    """Rows of linkchecker's CSV report for links that are not valid."""
    with tempfile.NamedTemporaryFile("w", suffix=".rc", delete=False) as config:
        config.write(LINKCHECKER_CONFIG)
    Path(config.name).chmod(0o644)
    try:
        with serve_directory(html, prefix) as base:
            proc = subprocess.run(
                [sys.executable, "-m", "linkcheck", "--config", config.name, "-o", "csv", base + "index.html"],
                capture_output=True,
                text=True,
                timeout=600,
            )
    finally:
        Path(config.name).unlink(missing_ok=True)
    lines = [line for line in proc.stdout.splitlines() if line and not line.startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines)), delimiter=";"))
    if proc.returncode not in (0, 1) or (proc.returncode == 1 and not rows):
        raise RuntimeError(f"linkchecker failed ({proc.returncode}):\n{proc.stderr}")
    # linkchecker reports a missing anchor as a warning on a valid URL: for us it is a broken link.
    return [row for row in rows if row.get("valid") != "True" or "Anchor `" in (row.get("warningstring") or "")]


def main(argv: list[str]) -> int:
    """Check the folder given (default ``_build/html``) and report."""
    html = Path(argv[1] if len(argv) > 1 else "_build/html")
    if not (html / "index.html").is_file():
        print(f"check_links: {html}/index.html not found; build the book first", file=sys.stderr)
        return 2
    broken = broken_links(html, prefix="/carnet-check/")
    for row in broken:
        cause = row["result"] if row.get("valid") != "True" else row["warningstring"].split(". Available")[0]
        print(f"broken link: {row['urlname']} on {row['parentname']} (line {row['line']}): {cause}")
    print(f"check_links: {len(broken)} broken internal link(s) in {html}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
