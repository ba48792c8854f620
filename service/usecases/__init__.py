"""Use cases: what the service does, over the core (and, later, storage).

No web framework here; the API and the CLI both call these modules.
"""

__all__: list[str] = []
