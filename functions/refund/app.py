"""The refund action's Lambda: Gladly's signed form (GET) and submit (POST) on /actions/refund."""

from gladly_bigcommerce.actions import refund
from gladly_bigcommerce.edge import snapstart  # noqa: F401  (registers the SnapStart hooks at init)
from gladly_bigcommerce.edge.actions import action_handler

lambda_handler = action_handler(refund.ROUTE)
