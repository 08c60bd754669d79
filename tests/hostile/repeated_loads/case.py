"""A process that loads knowledge bases again and again (a server reloading) keeps nothing of
the earlier loads: the library does not freeze the collector (only the command line does)."""

import gc

import engine

LOADS = 30


def tracked() -> int:
    gc.collect()
    return len(gc.get_objects()) + gc.get_freeze_count()


def main() -> None:
    engine.load("kb")  # the first load fills the caches every later load shares
    before = tracked()
    for _ in range(LOADS):
        engine.load("kb")
    kept = (tracked() - before) / LOADS
    print(f"objects frozen by {LOADS} loads: {gc.get_freeze_count()}")
    print(f"objects kept per load: {'none' if kept < 1 else 'some'}")


if __name__ == "__main__":
    main()
