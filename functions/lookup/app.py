"""The Lookup URL: verify, parse, answer one lookup (search, auto-link or detailed profile)."""

from gladly_bigcommerce import snapstart  # noqa: F401  (registers the SnapStart hooks at init)
from gladly_bigcommerce.api import Dependencies, GladlyRequest, gladly_handler
from gladly_bigcommerce.gladly.models import LookupRequest, LookupResponse
from gladly_bigcommerce.lookup import answer_lookup


def lookup(request: GladlyRequest, dependencies: Dependencies) -> LookupResponse:
    return answer_lookup(request.parse_body(LookupRequest), dependencies)


lambda_handler = gladly_handler(lookup)
