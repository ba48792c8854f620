"""Pages fetched from the web and RSS/Atom feeds polled on a schedule."""

__all__: list[str] = []
