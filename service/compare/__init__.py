"""Comparing two articles: ``POST /v1/compare``."""
