"""Storage tests: the database fixtures live in ``tests/conftest.py``."""
