"""The pet adoption advisor: OpenAI-compatible chat completions, grounded in the live store."""
