"""A run refused because another process holds the journal's run lock (SQLite: the lock file's
operating-system lock; PostgreSQL: the session advisory lock) leaves yesterday's --out byte for
byte as it was, and says why in one clear error, exit 1, no traceback."""

import subprocess
import sys
from pathlib import Path

TARGET = sys.argv[1]
MAIN = "import sys; from engine.cli import main; sys.exit(main(sys.argv[1:]))"
HOLD = """
import sys, time
from engine import journal
from engine.journal.lock import run_lock
with journal.open(sys.argv[1]) as book, run_lock(book.db, sys.argv[1]):
    print("held", flush=True)
    time.sleep(120)
"""

out = Path("out.jsonl")
before = out.read_bytes()
holder = subprocess.Popen([sys.executable, "-c", HOLD, TARGET], stdout=subprocess.PIPE,
                          text=True)
try:
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    done = subprocess.run(
        [sys.executable, "-c", MAIN, "run", "clients.jsonl", "--kb", "kb", "--as-of",
         "2026-10-16", "--out", "out.jsonl", "--journal", TARGET, "--wait", "1"],
        capture_output=True, text=True, check=False, timeout=60)
finally:
    holder.kill()
    holder.wait()
print(f"exit {done.returncode}")
print(done.stderr, end="")
print("a traceback" if "Traceback" in done.stderr else "no traceback")
print("out.jsonl: byte for byte as before" if out.read_bytes() == before
      else "out.jsonl: CHANGED")
left = sorted(p.name for p in Path().iterdir() if p.name.startswith(".out.jsonl"))
print(f"temporary files left: {left}")
