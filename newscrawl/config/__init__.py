"""What the user configures: the sites file and domain rules (sites.py, domains.py), and the
checks of `-s` settings (settings_check.py)."""
