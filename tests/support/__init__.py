"""Helpers the tests share: CLI runs, hostile files."""
