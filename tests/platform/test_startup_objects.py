"""A started service's start-up objects are left out of garbage collection."""

from __future__ import annotations

import gc

from debtflow_shared.startup_objects import freeze_startup_objects


def test_objects_alive_at_start_up_are_frozen_and_start_up_garbage_is_freed() -> None:
    class Node:
        def __init__(self) -> None:
            self.me = self

    kept = Node()
    Node()  # a cycle start-up left as garbage
    gc.unfreeze()
    try:
        freeze_startup_objects()
        assert gc.get_freeze_count() > 0
        assert not any(isinstance(o, Node) for o in gc.get_objects())  # kept is frozen
    finally:
        gc.unfreeze()
    # Only the one kept comes back to collections: the garbage was freed, not frozen.
    assert sum(isinstance(o, Node) for o in gc.get_objects()) == 1
    assert kept.me is kept
