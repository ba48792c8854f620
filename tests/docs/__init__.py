"""Tests of the documentation: the README's examples run as written, and the
measurement scripts say what they miss."""
