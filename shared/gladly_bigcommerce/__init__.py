"""The Gladly <-> BigCommerce lookup adaptor."""

import time

IMPORTED_AT = time.monotonic()
"""When this container started importing the adaptor: a cold start's first lookup counts its init."""
