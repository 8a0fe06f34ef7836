"""Layer 4, the build: validate, reason and write the release (dist/) that every later layer only reads."""
