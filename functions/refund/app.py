"""The refund action's Lambda: Gladly's signed form (GET) and submit (POST) on /actions/refund."""

from gladly_bigcommerce import snapstart  # noqa: F401  (registers the SnapStart hooks at init)
from gladly_bigcommerce.actions import refund
from gladly_bigcommerce.api import gladly_handler

lambda_handler = gladly_handler(refund.handle, action=True)
