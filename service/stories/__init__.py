"""Stories: a story's coverage across outlets, aligned statement by statement."""

__all__: list[str] = []
