"""One router per resource: the catalog, sessions, the default session, the live stream, the
page, and the health check."""
