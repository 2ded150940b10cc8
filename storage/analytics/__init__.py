"""The analytics store: the read-only source of the canned statistics queries.

``schema`` (tables, and why SQLite is the embedded default), ``store`` (read-only and bulk-load engines),
``import_policeuk`` / ``import_extract`` (loaders with per-row problem reports), ``demo`` (the synthetic
extract that reproduces the FOI2018/00739 table) and ``runner`` (``run_query``).
"""

from storage.analytics.runner import QueryResult, QueryRunError, run_query
from storage.analytics.store import StoreNotFound, open_store

__all__ = ["QueryResult", "QueryRunError", "StoreNotFound", "open_store", "run_query"]
