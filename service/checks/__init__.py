"""Coverage regression checks and their saved policies."""
