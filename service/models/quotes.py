"""The quote index: every version's quotations and their shingles."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Text,
)
from sqlmodel import Field, SQLModel

from service.models.base import sqlite_integer

__all__ = ["QuoteRecord", "QuoteShingle"]


class QuoteRecord(SQLModel, table=True):
    """One quotation of one version, as ``service.core.extract_quotes`` found
    it, with its normalised text and word count for scoring.

    ``mention_*`` are the quotation's ``Mention`` (the words that name its
    speaker at the attribution), so that a version's quotations read back
    whole (``Version.extractor`` says when they may be); ``None`` when the
    quotation names no speaker, or was filed before the columns existed."""

    __tablename__ = "quotes"
    __table_args__ = (
        Index("ix_quotes_article_latest", "article_id", "latest"),
        Index("ix_quotes_version", "version_id"),
    )

    id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(sqlite_integer(), "sqlite"), primary_key=True),
    )
    tenant: str = Field(max_length=64)
    article_id: str = Field(foreign_key="articles.id", max_length=32)
    version_id: int = Field(foreign_key="versions.id")
    version: int
    ordinal: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    start: int
    end: int
    speaker: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    mention_text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    mention_start: int | None = None
    mention_end: int | None = None
    norm: str = Field(sa_column=Column(Text, nullable=False))
    words: int
    shingles: int
    latest: bool = Field(sa_column=Column(Boolean, nullable=False))


class QuoteShingle(SQLModel, table=True):
    """``quote_id`` is filed under ``shingle`` (a tenant-salted hash).

    ``size`` (how many shingles the quotation has) and ``latest`` (whether
    it is of its article's latest version) are copies of the quotation's,
    kept here so that a search is answered from this index alone: the
    primary key's b-tree holds them (``INCLUDE`` on PostgreSQL, the row
    itself in SQLite's ``WITHOUT ROWID`` table).
    """

    __tablename__ = "quote_shingles"
    __table_args__ = (
        PrimaryKeyConstraint("shingle", "quote_id", postgresql_include=["size", "latest"]),
        {"sqlite_with_rowid": False},
    )

    shingle: int = Field(sa_column=Column(BigInteger, nullable=False, autoincrement=False))
    quote_id: int = Field(
        sa_column=Column(
            BigInteger,
            ForeignKey("quotes.id", ondelete="CASCADE"),
            nullable=False,
            autoincrement=False,
        )
    )
    size: int = Field(sa_column=Column(Integer, nullable=False))
    latest: bool = Field(sa_column=Column(Boolean, nullable=False))
