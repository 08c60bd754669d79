"""Bounds: what a person could mean (docs/authoring.md, "Bounds").

Every number the engine reads is finite and inside them, so no deviation, template or
comparison can overflow.
"""

from __future__ import annotations

MAX_MONEY = 10**12         # roubles: budgets
MAX_COUNT = 10**6          # counts: contact changes
MAX_ITEMS = 1_000          # items in one list of a client
MAX_MAGNITUDE = 10**12     # KPI targets and actuals, thresholds, constants in conditions
MIN_KPI_TARGET = 1e-6      # the smallest KPI target: a deviation is a ratio to it
MAX_ID_LENGTH = 200        # characters of a client id: what both journal backends hold
