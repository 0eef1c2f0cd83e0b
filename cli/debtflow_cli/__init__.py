"""The ``debtflow`` operator CLI and the embedded all-in-one runner."""
