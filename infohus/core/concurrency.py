"""Optimistic concurrency, the same for every app: an edit carries the version it was made from,
and a save after someone else's raises StaleEdit with the row as it is now (the page answers 409
and shows it beside the editor's input)."""

from typing import Any


class StaleEdit(Exception):
    """Someone else saved the record after the editor opened it; nothing was changed."""

    def __init__(self, current: Any) -> None:
        super().__init__("stale edit")
        self.current = current
