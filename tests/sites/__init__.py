"""Test sites served by tests/sites/server.py on loopback addresses."""
