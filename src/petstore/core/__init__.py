"""Shared plumbing: settings, database, problems, pagination, rate limits, middleware."""
