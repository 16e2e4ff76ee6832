"""The REST API under /api/v1: routes parse input, call one service function, return a schema."""
