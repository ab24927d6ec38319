"""The web face of caremarket: a JSON API under /api and HTML pages, over the same services."""
