"""Reading import files (CSV) into checked rows: pure, no database, no SQLAlchemy.

One module per kind of file (commissioner_rows, service_types, zones, providers, packages,
postcodes); `commissioners` finds the commissioner a zone or package row belongs to, `csvfile`
reads any file and `problems` collects what is wrong, so every bad row is reported at once.
"""
