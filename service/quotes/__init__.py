"""The quote index: search for variants of a statement, related articles."""
