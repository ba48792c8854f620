"""Which extractor this is: ``EXTRACTOR``, a name for the code that finds
quotations, their speakers and mentions, that changes whenever that code does.

A stored version keeps the quotations ``extract_quotes`` found in it, stamped
with the ``EXTRACTOR`` of the process that found them; they stand for what
``extract_quotes`` would find now only while the stamps agree. So the name
is computed, not kept by hand: a constant that someone has to remember to
bump is one that is forgotten, and stale quotations would then be served as
fresh ones without a trace.

It is a digest of the source of ``extract.py`` and of every module of
``service.core`` that it imports, directly or through another (the core
imports its own modules absolutely, ``from service.core.x import …``, which
is what is followed), read once at import; with them, the version of the
Unicode database, which ``str.isalnum``, ``casefold`` and NFKC answer from
and which a new Python may change. Any edit of those files, a comment's
included, gives a new name: stored quotations are then extracted again
rather than trusted, which costs time, never correctness.

>>> len(EXTRACTOR), EXTRACTOR == _digest(_sources())
(16, True)
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

__all__ = ["EXTRACTOR"]

_CORE = Path(__file__).resolve().parents[1]  # service/core
_ENTRY = _CORE / "quotes" / "extract.py"
_IMPORT = re.compile(r"^\s*from\s+service\.core((?:\.\w+)*)\s+import\s", re.MULTILINE)


def _module_file(dotted: str) -> Path | None:
    """The file of ``service.core`` + ``dotted`` (".quotes.cues"), a module
    or a package's ``__init__``; ``None`` when there is none."""
    base = _CORE.joinpath(*dotted.split(".")[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _sources() -> list[Path]:
    """``extract.py`` and the core's modules it imports, transitively, in a
    fixed order."""
    seen = {_ENTRY}
    pending = [_ENTRY]
    while pending:
        source = pending.pop().read_text("utf-8")
        for dotted in _IMPORT.findall(source):
            found = _module_file(dotted)
            if found is not None and found not in seen:
                seen.add(found)
                pending.append(found)
    return sorted(seen)


def _digest(files: list[Path]) -> str:
    digest = hashlib.sha256(unicodedata.unidata_version.encode())
    for path in files:
        digest.update(b"\0" + path.relative_to(_CORE).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


EXTRACTOR = _digest(_sources())
