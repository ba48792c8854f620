"""Sourcediff: quotations extracted, aligned and diffed across news articles.

One package per feature around a pure core; imports flow one way (the
import-linter contracts in ``pyproject.toml`` hold it, and the README draws
the tree):

- entry points: ``service.http`` (the app), ``service.web`` (pages),
  ``service.cli`` (the ``sourcediff`` command);
- features: ``articles``, ``compare``, ``stories``, ``quotes``, ``checks``,
  ``webhooks``, ``feeds``, ``keys``: each with its routes, schemas,
  service, repository and worker; one feature uses another only through its
  ``service`` (and its ``schemas``);
- ``service.models`` (tables) and ``service.platform`` (configuration,
  errors, database, fetching, readers): no feature knowledge;
- ``service.core``: the pure algorithm, no web framework, database or I/O.
"""

__all__: list[str] = []
