"""A LangChain LLM cache in SQLite, so an identical rerun costs nothing.

(LangChain's own SQLiteCache lives in langchain-community, which is being sunset; this is the
same ``BaseCache`` contract over the standard library's sqlite3.)
"""

from __future__ import annotations

import sqlite3
import threading
import warnings
from pathlib import Path
from typing import Any

from langchain_core._api import LangChainBetaWarning
from langchain_core.caches import RETURN_VAL_TYPE, BaseCache
from langchain_core.load import dumps, loads

__all__ = ["SQLiteLLMCache"]

_SCHEMA = """CREATE TABLE IF NOT EXISTS llm_cache (
  prompt TEXT NOT NULL, llm TEXT NOT NULL, idx INTEGER NOT NULL, response TEXT NOT NULL,
  PRIMARY KEY (prompt, llm, idx))"""


class SQLiteLLMCache(BaseCache):
    """Cache generations keyed by (prompt, model parameters); safe across threads."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(_SCHEMA)

    def lookup(self, prompt: str, llm_string: str) -> RETURN_VAL_TYPE | None:
        """The cached generations, or None."""
        with self._lock:
            rows = self._db.execute(
                "SELECT response FROM llm_cache WHERE prompt = ? AND llm = ? ORDER BY idx",
                (prompt, llm_string),
            ).fetchall()
        if not rows:
            return None
        with warnings.catch_warnings():  # langchain_core.load is marked beta
            warnings.simplefilter("ignore", LangChainBetaWarning)
            return [loads(r[0], allowed_objects="core") for r in rows]

    def update(self, prompt: str, llm_string: str, return_val: RETURN_VAL_TYPE) -> None:
        """Store generations (replacing older ones for the same key)."""
        with self._lock:
            self._db.executemany(
                "INSERT OR REPLACE INTO llm_cache VALUES (?, ?, ?, ?)",
                [(prompt, llm_string, i, dumps(g)) for i, g in enumerate(return_val)],
            )

    def clear(self, **kwargs: Any) -> None:
        """Drop every entry."""
        with self._lock:
            self._db.execute("DELETE FROM llm_cache")

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM llm_cache").fetchone()[0])

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()
