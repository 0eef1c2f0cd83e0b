"""notify-svc's domain model: pure Python, no framework or database imports."""
