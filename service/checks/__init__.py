"""Coverage regression checks and their saved policies."""

__all__: list[str] = []
