"""Wi-SUN dongles as the session sees them: one interface, one implementation per wire protocol."""
