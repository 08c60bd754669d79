"""A run refused because the PostgreSQL journal is read-only (the session's transactions are
read-only, as on a standby or for a read-only role) leaves yesterday's --out byte for byte as
it was, and says why in one clear error, exit 1, no traceback."""

import subprocess
import sys
from pathlib import Path

TARGET = sys.argv[1]
MAIN = "import sys; from engine.cli import main; sys.exit(main(sys.argv[1:]))"

out = Path("out.jsonl")
before = out.read_bytes()
done = subprocess.run(
    [sys.executable, "-c", MAIN, "run", "clients.jsonl", "--kb", "kb", "--as-of", "2026-10-16",
     "--out", "out.jsonl", "--journal", TARGET],
    capture_output=True, text=True, check=False, timeout=60)
print(f"exit {done.returncode}")
print(done.stderr, end="")
print("a traceback" if "Traceback" in done.stderr else "no traceback")
print("out.jsonl: byte for byte as before" if out.read_bytes() == before
      else "out.jsonl: CHANGED")
left = sorted(p.name for p in Path().iterdir() if p.name.startswith(".out.jsonl"))
print(f"temporary files left: {left}")
