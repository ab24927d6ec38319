"""Reading import files (CSV) into checked rows: pure, no database, no SQLAlchemy.

One module per kind of file (commissioner_rows, service_types, zones, providers, rates,
vehicles, lots, memberships, packages, postcodes); `commissioners` finds the commissioner a
zone, rate or package row belongs to, `csvfile` reads any file, `fields` parses the cells
several files share and `problems` collects what is wrong, so every bad row is reported at
once.
"""
