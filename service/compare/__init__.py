"""Comparing two articles: ``POST /v1/compare``."""

__all__: list[str] = []
