"""Sourcediff for integrations: ``sourcediff.client``, a typed client for a
running service. (The service itself is the ``service`` package.)"""

__all__: list[str] = []
