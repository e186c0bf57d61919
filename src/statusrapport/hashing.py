"""One fingerprint function for run keys and render keys (so both hash parts the same way)."""

from __future__ import annotations

import hashlib


def sha(*parts: bytes | str) -> str:
    """SHA-256 of ``parts`` with a separator between them (so ("ab", "c") ≠ ("a", "bc"))."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\x1f")
    return digest.hexdigest()
