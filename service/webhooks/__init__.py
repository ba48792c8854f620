"""Webhooks: subscriptions, the event outbox and the dispatcher that delivers it."""

__all__: list[str] = []
