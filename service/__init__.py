"""Sourcediff: quotations extracted, aligned and diffed across news articles.

Packages, with imports flowing one way (``api`` → ``usecases`` → ``core``):

- ``service.core``: the pure algorithm (no web framework, no I/O).
- ``service.usecases``: what the service does, on top of the core.
- ``service.api``: the HTTP layer (``create_app``).
- ``service.cli``: the ``sourcediff`` command.
"""

__all__: list[str] = []
