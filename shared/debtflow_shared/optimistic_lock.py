"""The one failure of an optimistic lock, whichever repository detected it.

Repositories write a row only if its version is still the one they loaded; when another
transaction moved it meanwhile they raise :class:`ConcurrentUpdate`. It is a service-level
error, not an adapter's: use cases and entry points catch it without knowing the adapter
(the HTTP layer answers it as a 409 ``concurrent-change`` problem, a retry usually works).

Pure: no database here, so domain and service-layer modules can depend on it.
"""

from __future__ import annotations


class ConcurrentUpdate(Exception):
    """Another request changed ``what`` between this one's read and its write: retry."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} was changed by another request; retry")
        self.what = what
