#!/usr/bin/env python3
"""Check every internal link and anchor of a built book, offline.

Serves the HTML folder on 127.0.0.1 (linkchecker drops root privileges, so it cannot read a
root-owned temporary folder directly) and runs linkchecker with its AnchorCheck plugin over every
page reachable from ``index.html``. External links are listed as skipped, never fetched. Prints
each broken link with the page it is on; exits 1 if there is any.

Usage: scripts/check_links.py [_build/html]
"""

from __future__ import annotations

import csv
import functools
import io
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

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


class QuietHandler(SimpleHTTPRequestHandler):
    """Serve files without logging each request, and let linkchecker go at full speed."""

    def end_headers(self) -> None:
        """A ``LinkChecker`` header tells linkchecker this server is ours: no per-request throttle."""
        self.send_header("LinkChecker", "carnet")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Say nothing: the report lists what matters."""


def broken_links(html: Path) -> list[dict[str, str]]:
    """Rows of linkchecker's CSV report for links that are not valid."""
    handler = functools.partial(QuietHandler, directory=str(html))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".rc", delete=False) as config:
            config.write(LINKCHECKER_CONFIG)
        Path(config.name).chmod(0o644)
        start = f"http://127.0.0.1:{server.server_address[1]}/index.html"
        proc = subprocess.run(
            [sys.executable, "-m", "linkcheck", "--config", config.name, "-o", "csv", start],
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        server.shutdown()
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
    broken = broken_links(html)
    for row in broken:
        cause = row["result"] if row.get("valid") != "True" else row["warningstring"].split(". Available")[0]
        print(f"broken link: {row['urlname']} on {row['parentname']} (line {row['line']}): {cause}")
    print(f"check_links: {len(broken)} broken internal link(s) in {html}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
