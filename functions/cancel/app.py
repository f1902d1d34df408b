"""The cancel-order action's Lambda: Gladly's signed form (GET) and submit (POST) on /actions/cancel."""

from gladly_bigcommerce import snapstart  # noqa: F401  (registers the SnapStart hooks at init)
from gladly_bigcommerce.actions import cancel
from gladly_bigcommerce.api import gladly_handler

lambda_handler = gladly_handler(cancel.handle, action=True)
