"""Check every internal link and anchor of a built book, offline, with linkchecker.

The site is served on 127.0.0.1 under the subpath it will have once published (linkchecker also
drops root privileges, so it could not read a root-owned temporary folder directly); linkchecker
follows every page reachable from ``index.html`` with its AnchorCheck plugin. External links are
skipped, never fetched. Its XML report is parsed (its CSV report mixes comment lines starting with
``#`` with rows whose link starts with ``#``, a same-page anchor). Its status lines (every 5 s) are
passed on as progress: a big book's link check is not minutes of silence.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import threading
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import CarnetError
from .language import say
from .server import serve_directory

LINKCHECKER_CONFIG = """\
[checking]
threads=4
maxrequestspersecond=1000
recursionlevel=-1
[filtering]
checkextern=0
[output]
status=1
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


#: linkchecker's status line (its locale forced to C): links checked and links still queued.
STATUS = re.compile(r"(\d+) links? queued, +(\d+) links? in")


def broken_links(html: Path, prefix: str = "/", progress: Callable[[int, int], None] | None = None) -> list[BrokenLink]:
    """Every broken internal link or anchor of the site in ``html``; ``progress(checked, queued)`` as it goes."""
    with tempfile.NamedTemporaryFile("w", suffix=".rc", delete=False) as config:
        config.write(LINKCHECKER_CONFIG)
    Path(config.name).chmod(0o644)
    errors: list[str] = []
    try:
        with serve_directory(html, prefix) as base, tempfile.TemporaryFile("w+") as report:
            command = [sys.executable, "-m", "linkcheck", "--config", config.name, "-o", "xml", base + "index.html"]
            env = {**os.environ, "LANG": "C", "LC_ALL": "C"}
            proc = subprocess.Popen(command, stdout=report, stderr=subprocess.PIPE, text=True, env=env)
            reader = threading.Thread(target=read_status, args=(proc.stderr, progress, errors), daemon=True)
            reader.start()
            try:
                proc.wait(timeout=1800)
            except subprocess.TimeoutExpired:
                proc.kill()
                raise CarnetError(say("links_timeout")) from None
            reader.join()
            report.seek(0)
            output = report.read()
    finally:
        Path(config.name).unlink(missing_ok=True)
    if proc.returncode not in (0, 1) or "<linkchecker" not in output:
        detail = "\n".join(errors[-10:])
        raise CarnetError(say("links_failed", status=proc.returncode, detail=detail))
    return broken_in_report(output, base)


def read_status(stream, progress: Callable[[int, int], None] | None, errors: list[str]) -> None:
    """Pass linkchecker's status lines on as progress; keep its other lines for an error message."""
    for line in stream:
        status = STATUS.search(line)
        if status and progress:
            progress(int(status[2]), int(status[1]))
        elif not status:
            errors.append(line.rstrip())
