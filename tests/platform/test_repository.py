"""Tenant scoping is written once, in ``TenantRepository``: its queries see
one tenant's rows only, and no repository of a feature writes the filter
by hand (so a new query cannot forget it)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

import service
from service.models.webhooks import Webhook
from service.platform.repository import TenantRepository

SERVICE = Path(service.__file__).parent
BASE = SERVICE / "platform" / "repository.py"
# ``Model.tenant == …``, ``col(Model.tenant) != …``, ``row.tenant == …``,
# ``Model.tenant.in_(…)``, ``filter_by(tenant=…)``: the filter by hand.
_BY_HAND = re.compile(
    r"\.tenant\b\)?\s*(==|!=)|\.tenant\b\)?\.(in_|is_)\(|filter_by\([^)]*\btenant\s*="
)


def _repository_modules() -> list[Path]:
    return sorted(p for p in SERVICE.glob("*/repository.py") if p != BASE)


def test_every_feature_has_its_repository_scanned() -> None:
    names = {p.parent.name for p in _repository_modules()}
    assert {"articles", "feeds", "keys", "webhooks"} <= names


def test_no_repository_writes_the_tenant_filter_by_hand() -> None:
    found = [
        f"{path.relative_to(SERVICE.parent)}:{number}: {line.strip()}"
        for path in _repository_modules()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if _BY_HAND.search(line)
    ]
    assert not found, (
        "scope a query with TenantRepository.select / get / scoped, not by hand: "
        + "; ".join(found)
    )


def test_no_repository_keeps_a_tenant_of_its_own() -> None:
    """A repository that takes a ``tenant`` is a ``TenantRepository``: one
    that stores it itself would scope its queries by hand."""
    found = []
    for path in _repository_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            inits = [
                i for i in node.body if isinstance(i, ast.FunctionDef) and i.name == "__init__"
            ]
            if any("tenant" in [a.arg for a in i.args.args] for i in inits):
                found.append(f"{path.relative_to(SERVICE.parent)}: {node.name}")
    assert not found, f"subclass TenantRepository instead: {found}"


def test_the_scan_would_catch_a_hand_written_filter() -> None:
    assert _BY_HAND.search("select(Feed).where(Feed.tenant == self.tenant)")
    assert _BY_HAND.search("query.where(col(ApiKey.tenant) == tenant)")
    assert _BY_HAND.search("return found if found.tenant == self.tenant else None")
    assert _BY_HAND.search("select(Feed).filter_by(tenant=self.tenant)")
    assert not _BY_HAND.search("Feed(tenant=self.tenant, url=url)")
    assert not _BY_HAND.search("return self.get(Feed, feed_id)")


class _Webhooks(TenantRepository):
    pass


def _webhook(session: Session, tenant: str, suffix: str) -> Webhook:
    webhook = Webhook(
        id=f"wh_{tenant}_{suffix}"[:32],
        tenant=tenant,
        url="https://hooks.example/",
        events="version.created",
        secret="whsec_" + "A" * 32,
    )
    session.add(webhook)
    session.flush()
    return webhook


def test_a_repository_sees_its_tenant_only(engine: Engine, tenant: str) -> None:
    other = tenant + "-x"
    with Session(engine) as session:
        mine = _webhook(session, tenant, "a")
        theirs = _webhook(session, other, "b")
        repo = _Webhooks(session, tenant)
        assert repo.get(Webhook, mine.id) is mine
        assert repo.get(Webhook, theirs.id) is None
        assert repo.get(Webhook, "wh_missing") is None
        assert session.exec(repo.select(Webhook)).all() == [mine]
        counted = repo.scoped(select(func.count()).select_from(Webhook), Webhook)
        assert session.exec(counted).one() == 1
        session.rollback()


def test_a_repository_writes_its_tenant_rows_only(engine: Engine, tenant: str) -> None:
    with Session(engine) as session:
        repo = _Webhooks(session, tenant)
        mine = repo.add(
            Webhook(
                id=f"wh_{tenant}_w"[:32],
                tenant=tenant,
                url="https://hooks.example/",
                events="version.created",
                secret="whsec_" + "A" * 32,
            )
        )
        assert repo.get(Webhook, mine.id) is mine
        theirs = _webhook(session, tenant + "-x", "t")
        with pytest.raises(AssertionError):
            repo.add(theirs)
        with pytest.raises(AssertionError):
            repo.delete(theirs)
        repo.delete(mine)
        assert repo.get(Webhook, mine.id) is None
        assert session.get(Webhook, theirs.id) is theirs
        session.rollback()
