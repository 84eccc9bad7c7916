"""The seed's e-commerce auction API (``/api/v2/auction/...``, rest-api.md Part C)."""
