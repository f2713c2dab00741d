"""A walk through a sweep: target, history, ledger, jobs (no widget, no browser)."""
