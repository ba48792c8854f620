"""Coverage regression checks and their saved policies.

Public API:

- ``PolicySpec``: a policy as a client writes it (kinds by name, passage
  size), turned into a core ``Policy`` by ``policy()``.
- ``run_check(engine, tenant, baseline, candidate, policy, settings)``: the
  check's response body; a failing check also queues a ``check.failed``
  webhook event.
- ``put_policy``, ``read_policy``, ``list_policies``, ``delete_policy``:
  saved policies, by name; one may be the policy of a story or an outlet.

Which policy a check uses: the one it names or spells out; else, when the
candidate is a stored article, the policy saved for a story it belongs to
(the first by name), then the one saved for its outlet; else the default
(fail on dropped and reworded quotes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from service.articles.repository import ArticleRepository
from service.articles.service import stored_text
from service.checks.repository import PolicyRepository
from service.compare.service import Source, StoredSource, compare_sides
from service.core.checks import DEFAULT_PASSAGE_WORDS, FAIL_ON, Policy, check, parse_kinds
from service.models.base import iso, now
from service.models.checks import CheckPolicy
from service.platform.config import Settings
from service.platform.errors import NotFound, Unprocessable
from service.platform.transactions import in_transaction
from service.stories.repository import StoryRepository
from service.webhooks.service import emit

__all__ = [
    "PolicySpec",
    "delete_policy",
    "list_policies",
    "put_policy",
    "read_policy",
    "run_check",
]


@dataclass(frozen=True, slots=True)
class PolicySpec:
    fail_on: Sequence[str] = ("dropped_quote", "reworded_quote")
    min_passage_words: int = DEFAULT_PASSAGE_WORDS

    def policy(self) -> Policy:
        try:
            kinds = parse_kinds(self.fail_on)
        except ValueError as exc:
            raise Unprocessable(str(exc)) from None
        return Policy(kinds, self.min_passage_words)


def _from_row(row: CheckPolicy) -> Policy:
    return Policy(parse_kinds(row.fail_on.split()), row.min_passage_words)


def _policy_body(row: CheckPolicy) -> dict[str, Any]:
    return {
        "name": row.name,
        **_from_row(row).as_dict(),
        "story": row.story,
        "outlet": row.outlet,
        "updated_at": iso(row.updated_at),
    }


def _default_for(session: Session, tenant: str, article_id: str) -> tuple[str, Policy] | None:
    repo = ArticleRepository(session, tenant)
    article = repo.article(article_id)
    if article is None:
        return None
    policies = PolicyRepository(session, tenant)
    row = policies.of_stories(StoryRepository(session, tenant).stories_of([article_id])[article_id])
    outlet = repo.outlet(article.outlet_id)
    if row is None and outlet is not None:
        row = policies.of_outlet(outlet.name)
    return None if row is None else (row.name, _from_row(row))


def _resolve_policy(
    session: Session, tenant: str, given: PolicySpec | str | None, candidate: Source
) -> tuple[str | None, Policy]:
    if isinstance(given, PolicySpec):
        return None, given.policy()
    if isinstance(given, str):
        row = PolicyRepository(session, tenant).named(given)
        if row is None:
            raise NotFound(f"policy {given!r} not found")
        return row.name, _from_row(row)
    if isinstance(candidate, StoredSource):
        found = _default_for(session, tenant, candidate.article_id)
        if found is not None:
            return found
    return None, Policy()


def run_check(
    engine: Engine,
    tenant: str,
    baseline: Source,
    candidate: Source,
    given: PolicySpec | str | None,
    settings: Settings,
) -> dict[str, Any]:
    with Session(engine) as session:
        name, policy = _resolve_policy(session, tenant, given, candidate)
        comparison = compare_sides(
            baseline,
            candidate,
            settings,
            load=lambda article_id, number: stored_text(session, tenant, article_id, number),
        )
    result = check(comparison, policy)
    body = result.as_dict()
    body["policy"] = {"name": name, **body["policy"]}
    if not result.passed:
        data = {
            "policy": body["policy"],
            "summary": body["summary"],
            "baseline": _side(baseline),
            "candidate": _side(candidate),
            "findings": [f for f in body["findings"] if f["fails"]][:50],
        }
        in_transaction(engine, lambda s: emit(s, tenant, "check.failed", data))
    return body


def _side(source: Source) -> dict[str, Any]:
    if isinstance(source, StoredSource):
        return {"article_id": source.article_id, "version": source.version}
    return {"inline": True, "outlet": source.outlet}


def put_policy(
    engine: Engine,
    tenant: str,
    name: str,
    spec: PolicySpec,
    *,
    story: str | None,
    outlet: str | None,
) -> tuple[int, dict[str, Any]]:
    policy = spec.policy()
    fail_on = " ".join(k for k in FAIL_ON if k in policy.fail_on)

    def step(session: Session) -> tuple[int, dict[str, Any]]:
        policies = PolicyRepository(session, tenant)
        row = policies.named(name)
        created = row is None
        if row is None:
            row = CheckPolicy(tenant=tenant, name=name, fail_on="", min_passage_words=0)
        row.fail_on = fail_on
        row.min_passage_words = policy.min_passage_words
        row.story, row.outlet, row.updated_at = story, outlet, now()
        return (201 if created else 200), _policy_body(policies.save(row))

    return in_transaction(engine, step)


def read_policy(session: Session, tenant: str, name: str) -> dict[str, Any]:
    row = PolicyRepository(session, tenant).named(name)
    if row is None:
        raise NotFound(f"policy {name!r} not found")
    return _policy_body(row)


def list_policies(session: Session, tenant: str) -> dict[str, Any]:
    return {"items": [_policy_body(r) for r in PolicyRepository(session, tenant).all()]}


def delete_policy(engine: Engine, tenant: str, name: str) -> None:
    def step(session: Session) -> None:
        policies = PolicyRepository(session, tenant)
        row = policies.named(name)
        if row is None:
            raise NotFound(f"policy {name!r} not found")
        policies.delete(row)

    in_transaction(engine, step)
