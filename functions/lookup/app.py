"""The Lookup URL: verify, parse, answer one lookup (search, auto-link or detailed profile)."""

from gladly_bigcommerce.edge import snapstart  # noqa: F401  (registers the SnapStart hooks at init)
from gladly_bigcommerce.edge.handler import gladly_handler
from gladly_bigcommerce.edge.lookups import lookup

lambda_handler = gladly_handler(lookup)
