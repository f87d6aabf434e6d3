"""Check every internal link and anchor of a built book, offline, with linkchecker.

The site is served on 127.0.0.1 under the subpath it will have once published (linkchecker also
drops root privileges, so it could not read a root-owned temporary folder directly); linkchecker
follows every page reachable from ``index.html`` with its AnchorCheck plugin. External links are
skipped, never fetched.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .server import serve_directory

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


def _broken_rows(html: Path, prefix: str) -> list[dict[str, str]]:
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


@dataclass(frozen=True)
class BrokenLink:
    """A link that leads nowhere: its target, the page it is on, and why."""

    url: str
    page: str
    line: str
    cause: str

    def message(self) -> str:
        """One line for the author."""
        return f"{self.url} on {self.page} (line {self.line}): {self.cause}"


def broken_links(html: Path, prefix: str = "/") -> list[BrokenLink]:
    """Every broken internal link or anchor of the site in ``html``, pages named relative to it."""
    broken = []
    for row in _broken_rows(html, prefix):
        cause = row["result"] if row.get("valid") != "True" else row["warningstring"].split(". Available")[0]
        page = row["parentname"].split(prefix, 1)[-1] if prefix in row["parentname"] else row["parentname"]
        broken.append(BrokenLink(row["urlname"], page, row["line"], cause))
    return broken
