"""The web door: server-rendered pages (Jinja2 + htmx), static files, translations."""
