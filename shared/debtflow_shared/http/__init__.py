"""HTTP conventions every service shares: problem details, auth, health, admin."""
