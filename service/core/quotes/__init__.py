"""Quotations: where each one is in a text, and who said it."""

from service.core.quotes.extract import Quote, extract_quotes

__all__ = ["Quote", "extract_quotes"]
