"""Market intelligence: the tables councils publish, computed from individual packages."""
