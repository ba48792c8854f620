"""A stored version's quotations, read back instead of extracted again.

Ingest files each quotation whole (its speaker's mention too) and stamps
the version with ``EXTRACTOR``; while the running code has that stamp, a
compare of stored sides and a version diff take the stored quotations, and
otherwise they extract the text as before. These tests hold the stored
quotations to ``extract_quotes``, the stored path's answers to the inline
path's, and show which path ran through what it answers: a stored
quotation altered in the database is what a compare reports while the
stamp matches, and the text's own once it does not.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import Engine, inspect, text
from sqlmodel import Session

from service.articles.repository import ArticleRepository
from service.articles.service import (
    Recorded,
    Submission,
    diff_versions,
    record_version,
    stored_text,
)
from service.articles.versions import version_diff
from service.core import extract_quotes
from service.core.quotes import EXTRACTOR
from service.models.articles import Version
from service.platform.config import Settings
from service.platform.db import alembic_config, make_engine, upgrade

SETTINGS = Settings()

# Invented copy: speakers named in full, by title, by surname and by a
# pronoun or a description; a text whose marks came through as mojibake;
# one with no quotation at all.
TEXTS = {
    "pronouns": (
        'Mayor Ana Ruiz defended the budget on Tuesday. "We cannot keep borrowing '
        'against the future," she said.\n\n'
        'Council member Tom Becker disagreed. "This plan cuts the libraries first," '
        'Becker told reporters. "Nobody voted for that."\n\n'
        "A spokesman for the transit agency said fares would stay the same. "
        '"Riders will not pay more this year," the spokesman said.\n'
    ),
    "titles": (
        "“The river has never been this high,” said Sheriff Dana Cole (R-Ore.), "
        "who ordered the evacuation.\n\n"
        "Mr. Cole added: “Leave now, while the roads are open.”\n\n"
        "Residents were unconvinced. ‘We have seen worse,’ one farmer said.\n"
    ),
    "mojibake": (
        "The minister spoke briefly. â€œWe will not resign,â€\x9d she said, "
        "before leaving the hall.\n"
    ),
    "unquoted": "The council met on Tuesday and adjourned without a vote.\n",
}

# The pronouns text, edited: a quotation reworded, one cut, one added.
EDITED = (
    'Mayor Ana Ruiz defended the budget on Tuesday. "We cannot keep borrowing '
    "against our children's future,\" she said.\n\n"
    'Council member Tom Becker disagreed. "This plan cuts the libraries first," '
    "Becker told reporters.\n\n"
    '"Fares stay where they are," said Lena Ortiz, who runs the transit agency.\n'
)


def store(engine: Engine, tenant: str, text_: str, url: str = "https://wire.example/a") -> Recorded:
    return record_version(engine, tenant, Submission(outlet="Wire", url=url, text=text_), SETTINGS)


def stored_version(engine: Engine, tenant: str, article_id: str, number: int) -> Version:
    with Session(engine) as session:
        found = ArticleRepository(session, tenant).version(article_id, number)
    assert found is not None
    return found


def restamp(engine: Engine, article_id: str, stamp: str | None) -> None:
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE versions SET extractor = :stamp WHERE article_id = :id"),
            {"stamp": stamp, "id": article_id},
        )


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_stored_quotations_read_back_as_extract_quotes_finds_them(
    engine: Engine, tenant: str, name: str
) -> None:
    recorded = store(engine, tenant, TEXTS[name])
    version = stored_version(engine, tenant, recorded.id, recorded.version)
    assert version.extractor == EXTRACTOR
    with Session(engine) as session:
        read = ArticleRepository(session, tenant).stored_quotes(version)
        from_loader = stored_text(session, tenant, recorded.id, None)
    expected = tuple(extract_quotes(TEXTS[name]))
    assert read == expected
    assert from_loader == (TEXTS[name], "Wire", expected)
    if name == "pronouns":
        assert [q.mention.text for q in expected if q.mention] == [
            "she",
            "Becker",
            "Becker",
            "the spokesman",
        ]


def test_another_extractors_or_no_stamp_means_extracting_again(engine: Engine, tenant: str) -> None:
    recorded = store(engine, tenant, TEXTS["pronouns"])
    for stamp in ("0" * 16, None):
        restamp(engine, recorded.id, stamp)
        version = stored_version(engine, tenant, recorded.id, 1)
        with Session(engine) as session:
            assert ArticleRepository(session, tenant).stored_quotes(version) is None
            assert stored_text(session, tenant, recorded.id, 1)[2] is None


def test_another_tenants_repository_reads_none_of_the_quotation_rows(
    engine: Engine, tenant: str
) -> None:
    recorded = store(engine, tenant, TEXTS["pronouns"])
    version = stored_version(engine, tenant, recorded.id, 1)
    with Session(engine) as session:
        assert ArticleRepository(session, f"{tenant}-other").stored_quotes(version) == ()


def test_the_latest_content_hash_is_found_by_url_or_by_external_id(
    engine: Engine, tenant: str
) -> None:
    by_url = store(engine, tenant, TEXTS["pronouns"])
    store(engine, tenant, EDITED)
    by_id = record_version(
        engine, tenant, Submission(outlet="AP", external_id="ap-7", text=EDITED), SETTINGS
    )
    with Session(engine) as session:
        repo = ArticleRepository(session, tenant)
        latest = repo.latest_content_hash(url=by_url.url, outlet="Wire", external_id=None)
        assert latest == store(engine, tenant, EDITED).content_hash != by_url.content_hash
        found = repo.latest_content_hash(url=None, outlet="AP", external_id="ap-7")
        assert found == by_id.content_hash
        assert repo.latest_content_hash(url=None, outlet="Wire", external_id="ap-7") is None
        other = ArticleRepository(session, f"{tenant}-other")
        assert other.latest_content_hash(url=by_url.url, outlet="Wire", external_id=None) is None


def test_a_diff_of_stored_versions_is_the_diff_of_their_texts(engine: Engine, tenant: str) -> None:
    store(engine, tenant, TEXTS["pronouns"])
    recorded = store(engine, tenant, EDITED)
    with Session(engine) as session:
        diffed = diff_versions(session, tenant, recorded.id, None, None)
    assert diffed.changes == version_diff(TEXTS["pronouns"], EDITED)
    assert diffed.changes.quotes.changed and diffed.changes.quotes.added


# Over HTTP, on each database ---------------------------------------------


@pytest.fixture(scope="module")
def database(module_database_url: str) -> Iterator[Engine]:
    engine = make_engine(module_database_url)
    yield engine
    engine.dispose()


def _post(api: TestClient, outlet: str, url: str, text_: str) -> str:
    made = api.post("/v1/articles", json={"outlet": outlet, "url": url, "text": text_})
    assert made.status_code == 201, made.text
    article_id: str = made.json()["id"]
    return article_id


def test_stored_sides_compare_exactly_as_their_texts(api: TestClient) -> None:
    left = _post(api, "Wire", "https://wire.example/same-l", TEXTS["pronouns"])
    right = _post(api, "Daily", "https://daily.example/same-r", EDITED)
    for passages in (True, False):
        stored = api.post(
            "/v1/compare",
            json={
                "left": {"article_id": left},
                "right": {"article_id": right},
                "passages": passages,
            },
        )
        inline = api.post(
            "/v1/compare",
            json={
                "left": {"text": TEXTS["pronouns"], "outlet": "Wire"},
                "right": {"text": EDITED, "outlet": "Daily"},
                "passages": passages,
            },
        )
        assert stored.status_code == inline.status_code == 200, stored.text
        assert stored.content == inline.content


def test_the_stored_quotations_are_what_a_compare_and_a_diff_report(
    api: TestClient, database: Engine
) -> None:
    """Which path ran, seen in the answer: a stored speaker altered in the
    database is reported while the version's stamp is the running
    extractor's, and the text's own speaker once the stamp is another's."""
    left = _post(api, "Wire", "https://wire.example/path-l", TEXTS["titles"])
    right = _post(api, "Daily", "https://daily.example/path-r", TEXTS["titles"])
    assert _post(api, "Daily", "https://daily.example/path-r", EDITED) == right
    with database.begin() as connection:
        connection.execute(
            text("UPDATE quotes SET speaker = 'Stored Speaker' WHERE article_id IN (:l, :r)"),
            {"l": left, "r": right},
        )

    def reported() -> tuple[set[str], set[str]]:
        compared = api.post(
            "/v1/compare",
            json={"left": {"article_id": left}, "right": {"article_id": right, "version": 1}},
        )
        diffed = api.get(f"/v1/articles/{right}/diff")
        assert compared.status_code == diffed.status_code == 200
        speakers = {q["speaker"] for q in compared.json()["left"]["quotes"]}
        quotes = diffed.json()["quotes"]
        old = {q["speaker"] for q in quotes["removed"]}
        old |= {c["old"]["speaker"] for c in quotes["changed"]}
        return speakers, old

    assert reported() == ({"Stored Speaker"}, {"Stored Speaker"})
    restamp(database, left, "0" * 16)
    restamp(database, right, "0" * 16)
    assert reported() == ({"Dana Cole"}, {"Dana Cole"})


# The migration ------------------------------------------------------------


def test_migration_0008_adds_and_drops_the_columns_and_keeps_the_index(
    empty_database_url: str, tenant: str
) -> None:
    engine = make_engine(empty_database_url)
    try:
        recorded = store(engine, tenant, TEXTS["pronouns"])
        count = "SELECT count(*) FROM quote_shingles"
        with engine.connect() as connection:
            shingles = connection.execute(text(count)).scalar_one()
        assert shingles > 0

        command.downgrade(alembic_config(engine), "0007")
        columns = inspect(engine)
        assert {"mention_text", "mention_start", "mention_end"}.isdisjoint(
            c["name"] for c in columns.get_columns("quotes")
        )
        assert "extractor" not in {c["name"] for c in columns.get_columns("versions")}
        with engine.connect() as connection:
            assert connection.execute(text(count)).scalar_one() == shingles

        upgrade(engine)
        with engine.connect() as connection:
            assert connection.execute(text(count)).scalar_one() == shingles
            mentions = connection.execute(text("SELECT mention_text FROM quotes")).scalars()
            assert set(mentions) == {None}
        # Stored before the stamp: extracted again, answering the same.
        version = stored_version(engine, tenant, recorded.id, 1)
        assert version.extractor is None
        with Session(engine) as session:
            assert ArticleRepository(session, tenant).stored_quotes(version) is None
            diffed = diff_versions(session, tenant, recorded.id, 1, 1)
        assert diffed.changes.quotes.old == tuple(extract_quotes(TEXTS["pronouns"]))
    finally:
        engine.dispose()
