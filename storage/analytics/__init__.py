"""The analytics store: the read-only source of the canned statistics queries.

``schema`` (tables, and why SQLite is the embedded default), ``store`` (read-only and bulk-load engines on
SQLite, PostgreSQL and DuckDB), ``import_policeuk`` / ``import_stop_search`` / ``import_extract`` (loaders
with per-row problem reports), ``coverage`` (the months and categories loaded, and the sentences saying
when a question reaches beyond them), ``demo`` (the synthetic extract that reproduces the FOI2018/00739
table) and ``runner`` (``run_query``).
"""

from storage.analytics.runner import QueryResult, QueryRunError, run_query
from storage.analytics.store import StoreNotFound, open_store

__all__ = ["QueryResult", "QueryRunError", "StoreNotFound", "open_store", "run_query"]
