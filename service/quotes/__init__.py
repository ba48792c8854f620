"""The quote index: search for variants of a statement, related articles."""

__all__: list[str] = []
