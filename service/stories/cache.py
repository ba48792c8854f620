"""Story pages kept between requests, in the server process.

A story page is a pure function of what was read for it and of the page
asked for: ``story_page(reading, offset=…, limit=…)``. So the server keeps,
for the stories it answered last, the pages it wrote under the reading's
``digest`` (a hash of all of it: every member with its version, role and
times, every quotation, every text, the counts and the limits), and their
alignments under the reading's ``alignment_digest`` (a hash of what the
alignment reads: each coverage member's id, outlet, time and quotations).
A page asked for again with the same reading, ``offset`` and ``limit`` is
answered with the bytes written before; another page of the same reading
(the cursor's next), or the first page after a new version that left every
quotation as it was (a correction outside them, a paragraph added), is built
on the alignment kept, which the worker then does not compute again.

Nothing is ever invalidated by hand: a story that changes in any way its
page could show (an article joins or leaves, gets a new version or another
role, a quotation is filed again) reads differently, so its digest differs
and what was kept for the old reading is never found again; it ages out. So
does an alignment once what it reads changes.
The database is read on every request, so an answer is never staler than
one computed afresh.

Per server process (each uvicorn worker keeps its own), and bounded by
bytes: the least recently used alignment or page goes first
(``Settings.story_cache_bytes``; 0 keeps nothing). The event loop alone
touches it.

What the pages are made from is read from the database on every request,
but not all of it afresh: the texts and first quotations of the versions
read last are kept too (``StoryVersions``), under each version's id and
extractor stamp, and only the story's members (which version of each, its
role, its times) are read every time; the rest is read for the versions
not kept. See ``StoryVersions`` for why that is never stale.

The alignment travels between the server and the workers as bytes
(``pack_alignment``): its statements as tuples, which pickle writes and
reads in C, where frozen dataclasses cost about 4 ms each way for a
50-article story (the same reason ``StoryReading`` pickles as tuples).

>>> pages = StoryPages(max_bytes=10)
>>> key, aligned = ("tenant", "digest"), ("tenant", "alignment digest")
>>> pages.keep_alignment(aligned, b"12345678")
>>> pages.keep_page(key, offset=0, limit=50, page=b"{}")
>>> pages.page(key, offset=0, limit=50), pages.alignment(aligned)
(b'{}', b'12345678')
>>> pages.keep_page(("tenant", "other"), offset=0, limit=50, page=b"[]")
>>> pages.page(key, offset=0, limit=50), pages.alignment(aligned), pages.size
(None, b'12345678', 10)
"""

from __future__ import annotations

import pickle
import threading
from collections import OrderedDict
from itertools import starmap
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from service.core.alignment.stories import Statement, StoryAlignment, Variant
from service.core.diff import DiffOp
from service.stories.repository import StoredQuotation

__all__ = [
    "StoryKey",
    "StoryPages",
    "StoryVersions",
    "VersionKey",
    "VersionRead",
    "pack_alignment",
    "unpack_alignment",
]

# A story's reading: the tenant it was read for and its digest.
StoryKey = tuple[str, str]

# A version as a story reads it: the tenant, the version's id, its extractor
# stamp and how many of its first quotations are read.
VersionKey = tuple[str, int, str, int]
# What is read of it: its text and those quotations.
VersionRead = tuple[str, tuple[StoredQuotation, ...]]

# What a kept quotation costs besides its text's characters, about.
_QUOTATION_BYTES = 200

K = TypeVar("K")
V = TypeVar("V")


class _Kept(Generic[K, V]):
    """Values under keys, each with its size, at most ``max_bytes`` of
    them; the least recently used go first to make room, and a value
    larger than the whole is not kept. Not thread-safe by itself."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        # key -> (value, size), the least recently used first.
        self._kept: OrderedDict[K, tuple[V, int]] = OrderedDict()

    def get(self, key: K) -> V | None:
        """The value kept under ``key``, if kept; asking counts as a use."""
        found = self._kept.get(key)
        if found is None:
            return None
        self._kept.move_to_end(key)
        return found[0]

    def put(self, key: K, value: V, size: int) -> None:
        """Keep ``value`` (``size`` bytes) under ``key``, in place of what
        was kept there."""
        old = self._kept.pop(key, None)
        if old is not None:
            self.size -= old[1]
        if size > self.max_bytes:
            return
        self._kept[key] = (value, size)
        self.size += size
        while self.size > self.max_bytes:
            _, (_, dropped) = self._kept.popitem(last=False)
            self.size -= dropped


class StoryPages:
    """Alignments and written pages of the stories read last, at most
    ``max_bytes`` of them (see the module docstring)."""

    def __init__(self, *, max_bytes: int) -> None:
        # ("alignment", key) or ("page", key, offset, limit) -> bytes.
        self._kept: _Kept[tuple[Any, ...], bytes] = _Kept(max_bytes)

    @property
    def max_bytes(self) -> int:
        return self._kept.max_bytes

    @property
    def size(self) -> int:
        """Bytes kept."""
        return self._kept.size

    def page(self, key: StoryKey, *, offset: int, limit: int) -> bytes | None:
        """The page written before for this reading, offset and limit."""
        return self._kept.get(("page", key, offset, limit))

    def alignment(self, key: StoryKey) -> bytes | None:
        """The alignment (``pack_alignment``) kept under its key (the
        reading's ``alignment_digest``), if kept; asking counts as a use."""
        return self._kept.get(("alignment", key))

    def keep_page(self, key: StoryKey, *, offset: int, limit: int, page: bytes) -> None:
        """Keep the page written for this reading, offset and limit; the
        least recently used go to make room."""
        self._kept.put(("page", key, offset, limit), page, len(page))

    def keep_alignment(self, key: StoryKey, alignment: bytes) -> None:
        """Keep an alignment under its key; the least recently used go to
        make room."""
        self._kept.put(("alignment", key), alignment, len(alignment))


class StoryVersions:
    """The texts and first quotations of the versions the stories read
    last, at most ``max_bytes`` of them (their characters, and about 200
    bytes a quotation), the least recently used going first.

    Kept under ``VersionKey``: (tenant, version id, extractor stamp,
    quotations read). It is never stale, for a version's text is never
    changed once stored, and its quotations are rewritten only when they
    are extracted again (``service.quotes.refresh``, for a version the
    running extractor did not stamp), in the transaction that stamps the
    version with the extractor that found them: a version extracted again
    has another key. A version with no stamp is never kept (its quotations
    may be filed again and leave it with none); ``read_story_quotes`` reads
    it every time.

    Per server process, as ``StoryPages``; the reads run in the server's
    threads, so a lock keeps the bookkeeping whole.

    >>> versions = StoryVersions(max_bytes=500)
    >>> versions.keep(("t", 1, "x", 51), ("A text.", ()))
    >>> versions.get(("t", 1, "x", 51)), versions.get(("t", 1, "y", 51))
    (('A text.', ()), None)
    >>> versions.keep(("t", 2, "x", 51), ("x" * 496, ()))
    >>> versions.get(("t", 1, "x", 51)), versions.size
    (None, 496)
    """

    def __init__(self, *, max_bytes: int) -> None:
        self._lock = threading.Lock()
        self._kept: _Kept[VersionKey, VersionRead] = _Kept(max_bytes)

    @property
    def size(self) -> int:
        """Bytes kept, about."""
        return self._kept.size

    def get(self, key: VersionKey) -> VersionRead | None:
        """What was kept under ``key``, if kept; asking counts as a use."""
        with self._lock:
            return self._kept.get(key)

    def keep(self, key: VersionKey, read: VersionRead) -> None:
        """Keep ``read`` under ``key``; the least recently used go to make
        room."""
        text, quotations = read
        size = len(text) + sum(len(q.text) + _QUOTATION_BYTES for q in quotations)
        with self._lock:
            self._kept.put(key, read, size)


def _variant(v: Variant) -> tuple[Any, ...]:
    diff = tuple((op.op, op.left, op.right) for op in v.diff)
    return (v.member, v.quote, v.relation, v.score, diff, v.repeats)


def _unvariant(
    member: str,
    quote: int,
    relation: Any,
    score: float,
    diff: tuple[tuple[Any, str, str], ...],
    repeats: tuple[int, ...],
) -> Variant:
    return Variant(member, quote, relation, score, tuple(starmap(DiffOp, diff)), repeats)


def pack_alignment(alignment: StoryAlignment) -> bytes:
    """``alignment`` as bytes, for ``unpack_alignment``."""
    statements = []
    for s in alignment.statements:
        variants = [_variant(v) for v in s.variants]
        # The canonical is its statement's first variant (the same object):
        # it is written once, as that variant's place.
        canonical = 0 if s.variants and s.variants[0] is s.canonical else _variant(s.canonical)
        statements.append((canonical, variants, s.first, s.carried_by, s.omitted_by))
    return pickle.dumps((statements, dict(alignment.omissions)), protocol=pickle.HIGHEST_PROTOCOL)


def unpack_alignment(data: bytes) -> StoryAlignment:
    """The alignment ``pack_alignment`` wrote (equal to it).

    >>> from service.core.alignment.stories import Member, align_story
    >>> from service.core.quotes.extract import Quote
    >>> a = Member("a", [Quote("We will not export them.", 0, 24)])
    >>> b = Member("b", [Quote("But we will not export them", 0, 27)], order=1)
    >>> aligned = align_story([a, b])
    >>> unpack_alignment(pack_alignment(aligned)) == aligned
    True
    """
    statements, omissions = pickle.loads(data)
    built = []
    for canonical, variants, first, carried_by, omitted_by in statements:
        unpacked = tuple(starmap(_unvariant, variants))
        built.append(
            Statement(
                canonical=unpacked[0] if canonical == 0 else _unvariant(*canonical),
                variants=unpacked,
                first=first,
                carried_by=carried_by,
                omitted_by=omitted_by,
            )
        )
    return StoryAlignment(tuple(built), MappingProxyType(omissions))
