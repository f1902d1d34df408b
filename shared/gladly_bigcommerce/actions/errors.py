"""Errors of the action framework that Gladly's protocol has no dedicated class for.

They subclass ``GladlyError`` so ``api.py`` answers them like every other error: status and body.
"""

from __future__ import annotations

from gladly_bigcommerce.gladly.errors import GladlyError, ServiceUnavailable


class ActionConflict(GladlyError):
    """409: the same order or form is being worked on right now; submitting again shortly is safe."""

    status = 409


class WriteOutcomeUnknown(ServiceUnavailable):
    """503: BigCommerce did not confirm a refund or status change, and it may still have happened.

    The order stays locked until the lock expires (only the same form may go on), and the next
    submit of the same form checks BigCommerce for the write before doing anything.
    """
