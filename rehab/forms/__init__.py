"""Forms of rehab's own pages, one module per feature."""
