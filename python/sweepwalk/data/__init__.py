"""The data model: a sweep's configurations, scores, levels and neighbours."""
