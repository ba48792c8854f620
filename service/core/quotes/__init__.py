"""Quotations: where each one is in a text, who said it, and the words that say so."""

from service.core.quotes.extract import Quote, extract_quotes
from service.core.quotes.identity import EXTRACTOR
from service.core.quotes.mentions import Mention

__all__ = ["EXTRACTOR", "Mention", "Quote", "extract_quotes"]
