"""Model transport. Only api/llm/client.py imports litellm."""
