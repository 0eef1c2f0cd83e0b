"""Leaving what a service built at start-up out of garbage collection.

A service builds most of its objects at start-up (modules, the app and its routes, the
catalog's models, compiled statements) and keeps them for its life. CPython's full
collections walk every one of them again whenever batch work has promoted enough survivors
(a scheduler batch holds hundreds of cases, events and rows until it commits): measured at
a quarter of the CPU of a due step in the case-timers bench. Frozen once the service has
started (``gc.freeze``), they are skipped; what it allocates afterwards is collected as
before.
"""

from __future__ import annotations

import gc


def freeze_startup_objects() -> None:
    """Exempt every object alive now from later collections (call once, after start-up)."""
    gc.collect()  # start-up's own garbage is freed first, not kept for good
    gc.freeze()
