"""notify-svc: templates and channels (email, SMS, webhook, PDF letters); every message
sent once, at a lawful hour."""
