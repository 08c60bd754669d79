"""A run refused for a duplicated client id, then the fixed file run: the refused run left
nothing behind, so the fixed run finds every client's advice new, once."""

import contextlib
import io
import sys

from engine import journal
from engine.cli import main

TARGET = sys.argv[1]
RUN = ["run", "--kb", "kb", "--as-of", "2026-10-15", "--out", "out.jsonl", "--journal", TARGET]

for name in ("clients.jsonl", "fixed.jsonl"):
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main([RUN[0], name, *RUN[1:]])
    print(f"{name}: exit {code}; {err.getvalue().strip().splitlines()[0] if code else 'ok'}")
with journal.open(TARGET) as book:
    changes = book.changes()
    print(f"what the last run changed: {sum(c.change == 'new' for c in changes)} new of "
          f"{len(changes)}, for {len({c.client_id for c in changes})} clients; "
          f"open to-dos: {len(book.inbox().items)}")
