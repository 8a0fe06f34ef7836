"""Layer 8, the `xianan-kg` command: nothing imports it."""
