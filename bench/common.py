"""What every part of `make bench` measures against: BigCommerce's latency and quota, Gladly's wait."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LATENCY_SECONDS = 0.1
"""Added to every BigCommerce answer of the sandbox (the latency runs and the quota edges)."""
UNLIMITED_QUOTA = 100_000
"""The latency runs measure latency, not BigCommerce's quota."""
STANDARD_QUOTA = 150
"""Requests per 30 s (the sandbox's default window) on BigCommerce's Standard and Plus plans."""
GLADLY_TIMEOUT_SECONDS = 5.0
"""How long Gladly waits for a lookup's answer."""
