"""Core commands: normalize, demo (more arrive with the engine)."""
