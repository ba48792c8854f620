"""Webhooks: subscriptions, the event outbox and the dispatcher that delivers it."""
