"""Check every internal link and anchor of a built book, offline, with linkchecker.

The site is served on 127.0.0.1 under the subpath it will have once published (linkchecker also
drops root privileges, so it could not read a root-owned temporary folder directly); linkchecker
follows every page reachable from ``index.html`` with its AnchorCheck plugin. External links are
skipped, never fetched. Its XML report is parsed (its CSV report mixes comment lines starting with
``#`` with rows whose link starts with ``#``, a same-page anchor).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import CarnetError
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


@dataclass(frozen=True)
class BrokenLink:
    """A link that leads nowhere: its target as written, the page it is on, and why."""

    url: str
    page: str
    line: str
    cause: str

    def message(self) -> str:
        """One line for the author."""
        return f"{self.page} (line {self.line}): {self.url}: {self.cause}"


def broken_in_report(report: str, base: str) -> list[BrokenLink]:
    """The broken links of a linkchecker XML report; pages are named relative to ``base``."""
    broken = []
    for item in ElementTree.fromstring(report).iter("urldata"):
        valid = item.find("valid")
        anchors = [w.text or "" for w in item.iter("warning") if (w.text or "").startswith("Anchor `")]
        if valid is not None and valid.text == "1" and not anchors:
            continue
        if valid is not None and valid.text != "1":
            cause = valid.get("result", "broken")
        else:  # linkchecker reports a missing anchor as a warning on a valid page: for us it is broken
            cause = anchors[0].split(". Available")[0].split(" (decoded")[0] + " not found"
        parent = item.find("parent")
        page = parent.text or "" if parent is not None else ""
        line = parent.get("line", "?") if parent is not None else "?"
        broken.append(BrokenLink(item.findtext("url", ""), page.removeprefix(base), line, cause))
    return broken


def broken_links(html: Path, prefix: str = "/") -> list[BrokenLink]:
    """Every broken internal link or anchor of the site in ``html``."""
    with tempfile.NamedTemporaryFile("w", suffix=".rc", delete=False) as config:
        config.write(LINKCHECKER_CONFIG)
    Path(config.name).chmod(0o644)
    try:
        with serve_directory(html, prefix) as base:
            command = [sys.executable, "-m", "linkcheck", "--config", config.name, "-o", "xml", base + "index.html"]
            try:
                proc = subprocess.run(command, capture_output=True, text=True, timeout=1800)
            except subprocess.TimeoutExpired:
                raise CarnetError("the link check was still running after 30 minutes") from None
    finally:
        Path(config.name).unlink(missing_ok=True)
    if proc.returncode not in (0, 1) or "<linkchecker" not in proc.stdout:
        detail = "\n".join(proc.stderr.strip().splitlines()[-10:])
        raise CarnetError(f"the link check could not run (linkchecker exit {proc.returncode}):\n{detail}")
    return broken_in_report(proc.stdout, base)
