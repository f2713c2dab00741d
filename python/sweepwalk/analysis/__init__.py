"""The analyses of a sweep: compare, evidence, ledger, walk, plan, importance."""
