"""Articles and their versions: storing, reading, listing and diffing them."""

__all__: list[str] = []
