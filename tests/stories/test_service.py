"""What stories offer other features through ``stories.service``: joining
an article as it is recorded (no more than a story's limit of articles),
and the stories an article belongs to."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from service.articles.service import Submission, record_version
from service.platform.config import Settings
from service.platform.errors import Conflict
from service.stories.service import join_if_needed, join_story, read_story, stories_of

SETTINGS = Settings()


def test_join_if_needed_makes_a_member_once_and_keeps_its_role(engine: Engine, tenant: str) -> None:
    ids = [
        record_version(
            engine,
            tenant,
            Submission(outlet="Wire", url=f"https://news.example/s{i}", text=f"Text {i}."),
            SETTINGS,
        ).id
        for i in range(2)
    ]
    # A primary document stays one when it is recorded again with the story.
    assert join_story(engine, tenant, "beta", ids[1], primary=True).joined is True
    with Session(engine) as session:
        join_if_needed(session, tenant, "beta", ids[0])
        join_if_needed(session, tenant, "alpha", ids[0])
        join_if_needed(session, tenant, "alpha", ids[0])
        join_if_needed(session, tenant, "beta", ids[1])
        session.commit()
    with Session(engine) as session:
        _, members = read_story(session, tenant, "beta")
        assert [(m.article_id, m.role) for m in members] == [
            (ids[1], "primary"),
            (ids[0], "coverage"),
        ]
        assert [m.article_id for m in read_story(session, tenant, "alpha")[1]] == [ids[0]]
        assert stories_of(session, tenant, [*ids, "nope"]) == {
            ids[0]: ["alpha", "beta"],
            ids[1]: ["beta"],
            "nope": [],
        }
        assert stories_of(session, f"{tenant}-other", ids) == {ids[0]: [], ids[1]: []}


def test_join_if_needed_refuses_one_more_than_the_limit(engine: Engine, tenant: str) -> None:
    ids = [
        record_version(
            engine,
            tenant,
            Submission(outlet="Wire", url=f"https://news.example/f{i}", text=f"Text {i}."),
            SETTINGS,
        ).id
        for i in range(3)
    ]
    with Session(engine) as session:
        for article in ids[:2]:
            join_if_needed(session, tenant, "full", article, max_articles=2)
        join_if_needed(session, tenant, "full", ids[0], max_articles=2)  # a member already
        session.commit()
        with pytest.raises(Conflict, match="at most 2"):
            join_if_needed(session, tenant, "full", ids[2], max_articles=2)
    with pytest.raises(Conflict, match="at most 2"):
        join_story(engine, tenant, "full", ids[2], max_articles=2)
