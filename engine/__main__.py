"""``python -m engine``: the same as the ``playbook`` command."""

from __future__ import annotations

import sys

from engine.cli import main

if __name__ == "__main__":
    sys.exit(main())
