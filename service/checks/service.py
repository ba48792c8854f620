"""Coverage regression checks and their saved policies.

A check compares a candidate (text, HTML or a stored version) with a
baseline and reports what the candidate lost (``service.core.checks``); a
failing check also queues a ``check.failed`` webhook event, when the caller
may write (``emit_events``): queuing one is a write, and it makes the
service POST to the tenant's webhooks, which a read-only key must not set
off. Policies are saved by name; one may be the policy of a story or an
outlet.

Which policy a check uses: the one it names or spells out; else, when the
candidate is a stored article, the policy saved for a story it belongs to
(the first by name), then the one saved for its outlet; else the default
(fail on dropped and reworded quotes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from service.articles import service as articles
from service.checks.repository import PolicyRepository
from service.checks.schemas import CheckFailed, PolicyIn
from service.compare.service import Source, StoredSource, compare_sides
from service.core.checks import FAIL_ON, CheckResult, Policy, check, parse_kinds
from service.models.base import now, utc
from service.models.checks import CheckPolicy
from service.platform.config import Settings
from service.platform.errors import Unprocessable, existing
from service.platform.transactions import in_transaction
from service.stories import service as stories
from service.webhooks.service import emit

__all__ = [
    "CheckRun",
    "SavedPolicy",
    "delete_policy",
    "list_policies",
    "put_policy",
    "read_policy",
    "run_check",
]


@dataclass(frozen=True, slots=True)
class CheckRun:
    """A check's result, and the name of the saved policy it ran under
    (``None`` for an inline policy or the default)."""

    name: str | None
    result: CheckResult


@dataclass(frozen=True, slots=True)
class SavedPolicy:
    """A saved policy: its name, the policy, what it is the default of, and
    when it was saved; ``created`` is False when saving it replaced one of
    the same name."""

    name: str
    policy: Policy
    story: str | None
    outlet: str | None
    updated_at: datetime
    created: bool = False

    @classmethod
    def of(cls, row: CheckPolicy, *, created: bool = False) -> SavedPolicy:
        policy = Policy(parse_kinds(row.fail_on.split()), row.min_passage_words)
        return cls(row.name, policy, row.story, row.outlet, utc(row.updated_at), created)


def _policy_of(given: PolicyIn) -> Policy:
    try:
        kinds = parse_kinds(given.fail_on)
    except ValueError as exc:
        raise Unprocessable(str(exc)) from None
    return Policy(kinds, given.min_passage_words)


def _default_for(session: Session, tenant: str, article_id: str) -> tuple[str, Policy] | None:
    article = articles.find_article(session, tenant, article_id)
    if article is None:
        return None
    policies = PolicyRepository(session, tenant)
    row = policies.of_stories(stories.stories_of(session, tenant, [article_id])[article_id])
    if row is None:
        row = policies.of_outlet(article.outlet.name)
    return None if row is None else (row.name, SavedPolicy.of(row).policy)


def _policy_or_404(policies: PolicyRepository, name: str) -> CheckPolicy:
    return existing(policies.named(name), f"policy {name!r}")


def _resolve_policy(
    session: Session, tenant: str, given: PolicyIn | str | None, candidate: Source
) -> tuple[str | None, Policy]:
    if isinstance(given, PolicyIn):
        return None, _policy_of(given)
    if isinstance(given, str):
        row = _policy_or_404(PolicyRepository(session, tenant), given)
        return row.name, SavedPolicy.of(row).policy
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
    given: PolicyIn | str | None,
    settings: Settings,
    *,
    emit_events: bool = True,
) -> CheckRun:
    """Check ``candidate`` against ``baseline`` under the policy ``given``
    (inline, by name, or ``None`` for the candidate's default); a failing
    check queues ``check.failed`` unless ``emit_events`` is False."""
    with Session(engine) as session:
        name, policy = _resolve_policy(session, tenant, given, candidate)
        comparison = compare_sides(
            baseline,
            candidate,
            settings,
            load=lambda article_id, number: articles.stored_text(
                session, tenant, article_id, number
            ),
        )
    run = CheckRun(name, check(comparison, policy))
    if emit_events and not run.result.passed:
        data = CheckFailed.of(name, run.result, baseline, candidate).data()
        in_transaction(engine, lambda s: emit(s, tenant, "check.failed", data))
    return run


def put_policy(
    engine: Engine,
    tenant: str,
    name: str,
    given: PolicyIn,
    *,
    story: str | None,
    outlet: str | None,
) -> SavedPolicy:
    """Save ``given`` as ``name`` (replacing one of that name), optionally
    as the policy of a story's or an outlet's articles."""
    policy = _policy_of(given)
    fail_on = " ".join(k for k in FAIL_ON if k in policy.fail_on)

    def step(session: Session) -> SavedPolicy:
        policies = PolicyRepository(session, tenant)
        row = policies.named(name)
        created = row is None
        if row is None:
            row = CheckPolicy(tenant=tenant, name=name, fail_on="", min_passage_words=0)
        row.fail_on = fail_on
        row.min_passage_words = policy.min_passage_words
        row.story, row.outlet, row.updated_at = story, outlet, now()
        # A snapshot: the row expires when the transaction commits.
        return SavedPolicy.of(policies.add(row), created=created)

    return in_transaction(engine, step)


def read_policy(session: Session, tenant: str, name: str) -> SavedPolicy:
    return SavedPolicy.of(_policy_or_404(PolicyRepository(session, tenant), name))


def list_policies(session: Session, tenant: str) -> Sequence[SavedPolicy]:
    """The saved policies, by name."""
    return [SavedPolicy.of(r) for r in PolicyRepository(session, tenant).all()]


def delete_policy(engine: Engine, tenant: str, name: str) -> None:
    def step(session: Session) -> None:
        policies = PolicyRepository(session, tenant)
        policies.delete(_policy_or_404(policies, name))

    in_transaction(engine, step)
