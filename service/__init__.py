"""Sourcediff: quotations extracted, aligned and diffed across news articles.

Packages, with imports flowing one way (``api`` → ``usecases`` → ``core``):

- ``service.core``: the pure algorithm (no web framework, no I/O).
- ``service (each feature's service)``: what the service does, on top of the core.
- ``service.http``: the HTTP layer (``create_app``).
- ``service.cli.app``: the ``sourcediff`` command.
"""

__all__: list[str] = []
