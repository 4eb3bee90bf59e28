"""Test sites served by tests/support/sites/server.py on loopback addresses."""
