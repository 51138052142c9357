"""The store: orders for pets (with their lifecycle) and inventory figures."""
