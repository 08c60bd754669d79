"""Loaded at start-up by the Python processes of one test (PYTHONPATH): hides the fcntl module,
as on a system without it, so filelock falls back to its soft lock (the journal's fallback)."""

import sys

sys.modules["fcntl"] = None  # type: ignore[assignment]
