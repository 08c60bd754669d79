"""Portfolio runs: many clients in (YAML, JSON, JSON Lines, CSV, Parquet, stdin), through a CRM
mapping file, recommended in order on one core, on a process pool or on a Dask cluster, and
written out as JSON Lines, CSV, Parquet or SQLite.

Between the run time (one client) and the tools: it only orchestrates recommend().
"""
