"""API keys: creating, listing and revoking them; who is calling, with which scopes."""

__all__: list[str] = []
