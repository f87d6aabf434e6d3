"""Sealing what a pupil's page holds but must not show yet: a solution, hidden tests, a written solution.

A static page cannot keep a secret from the person who reads it: whatever the page can show later
is in its files. What the rules may reveal (a solution after three tries, the hidden tests of an
author who wants Valider to run them) is therefore shipped sealed: XORed with a key and base64
encoded, so that neither the HTML, nor a decoded ``data-exercise``, nor a search of the site's
files finds its text. It stops a curious pupil reading the page's source or searching the site;
it does not stop one who reads the page's script (the README says so).

The key is derived from the page and the text, so a rebuild writes the same bytes (the publishing
step hard-links unchanged files). ``browser/sealed.mjs`` opens seals in the page.
"""

from __future__ import annotations

import base64
import hashlib

#: Bytes of key at the head of each seal.
KEY_SIZE = 16


def seal(text: str, context: str) -> str:
    """``text`` sealed: base64 of a key, then of the text's UTF-8 XORed with that key repeated.

    ``context`` (the page's name) makes the key differ between pages holding the same text.
    """
    data = text.encode("utf-8")
    key = hashlib.sha256(f"{context}\0".encode() + data).digest()[:KEY_SIZE]
    return base64.b64encode(key + _xor(data, key)).decode("ascii")


def unseal(sealed: str) -> str:
    """What :func:`seal` sealed (the page does the same in JavaScript)."""
    raw = base64.b64decode(sealed)
    return _xor(raw[KEY_SIZE:], raw[:KEY_SIZE]).decode("utf-8")


def _xor(data: bytes, key: bytes) -> bytes:
    return bytes(byte ^ key[index % len(key)] for index, byte in enumerate(data))
