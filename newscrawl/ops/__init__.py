"""Running unattended: health verdicts (health.py), `scrapy cron`'s lock,
summary and progress (cron.py), the end-of-run summary (summary.py) and field coverage
per site and run (coverage.py)."""
