"""Printable pages the API serves as HTML (Jinja2 templates in `templates/`, autoescaped)."""
