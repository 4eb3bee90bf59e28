"""The one generic spider lives in site.py."""
