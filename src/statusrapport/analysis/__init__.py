"""The analyses behind each report page. Each module exposes ``key_figures(data, year)``."""
