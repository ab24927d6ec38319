"""Reading import files (CSV) into checked rows: pure, no database, no SQLAlchemy.

One module per kind of file (zones, providers, packages, postcodes); `csvfile` reads any of
them and `problems` collects what is wrong, so every bad row is reported at once.
"""
