"""analytics-svc's use cases: each runs in one unit of work and commits once."""
