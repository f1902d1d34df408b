"""The one Logger, Tracer and Metrics of the adaptor, and the helpers that keep PII and secrets out of logs.

Every module logs through ``logger`` from here. Callers mask emails, phones and names themselves with
``mask_email``/``mask_phone``/``mask_name``; as a safety net the log formatter also masks anything
that looks like an email or an E.164 phone and replaces every registered secret value before a line
is written.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter
from aws_lambda_powertools.metrics import MetricUnit

DEFAULT_SERVICE_NAME = "gladly-bigcommerce"
DEFAULT_METRICS_NAMESPACE = "GladlyBigCommerce"
REDACTED = "[REDACTED]"
# Shorter values would redact ordinary words; real keys and tokens are far longer.
_MIN_SECRET_LENGTH = 6

H = TypeVar("H", bound=Callable[..., Any])
_TRUTHY = frozenset({"1", "true", "yes", "on", "y", "t"})  # Powertools' truthy spellings

_EMAIL_PATTERN = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_PHONE_PATTERN = re.compile(r"\+\d{7,15}\b")


def mask_email(email: str) -> str:
    """``martha@example.com`` -> ``m***@e***.com``: enough to tell two addresses apart in a log."""
    local, at, domain = email.strip().rpartition("@")
    if not at:
        return mask_name(email)
    host, dot, top_level = domain.rpartition(".")
    masked_domain = f"{host[:1]}***.{top_level}" if dot else f"{domain[:1]}***"
    return f"{local[:1]}***@{masked_domain}"


def mask_phone(phone: str) -> str:
    """``+14155550100`` -> ``+1******0100``: the country code and last four digits stay readable."""
    text = phone.strip()
    if len(text) <= 6:
        return "*" * len(text)
    return f"{text[:2]}{'*' * (len(text) - 6)}{text[-4:]}"


def mask_name(name: str) -> str:
    """``Martha Williams`` -> ``M*** W***``."""
    return " ".join(f"{part[:1]}***" for part in name.split())


class _SecretRegistry:
    """Secret values seen by this process (loaded credentials), to be redacted from every log line."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: tuple[str, ...] = ()

    def add(self, value: str) -> None:
        if len(value) < _MIN_SECRET_LENGTH:
            return
        # A value inside a JSON log line appears JSON-escaped: redact that spelling too.
        spellings = {value, json.dumps(value)[1:-1]}
        with self._lock:
            # Longest first, so a secret containing another is redacted whole.
            self._values = tuple(sorted(set(self._values) | spellings, key=len, reverse=True))

    def redact(self, text: str) -> str:
        for value in self._values:
            text = text.replace(value, REDACTED)
        return text

    def clear(self) -> None:
        with self._lock:
            self._values = ()


_secrets = _SecretRegistry()


def register_secret(value: str) -> None:
    """Make sure ``value`` never appears in a log line written by ``logger``."""
    _secrets.add(value)


def forget_secrets() -> None:
    """Drop every registered secret (tests)."""
    _secrets.clear()


def scrub(text: str) -> str:
    """Replace registered secrets, mask emails and E.164 phones in ``text``."""
    text = _secrets.redact(text)
    text = _EMAIL_PATTERN.sub(lambda match: mask_email(match.group(0)), text)
    return _PHONE_PATTERN.sub(lambda match: mask_phone(match.group(0)), text)


class ScrubbingFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON formatter, with the finished line scrubbed (message, extra keys, exception text)."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


SERVICE_NAME = os.environ.get("POWERTOOLS_SERVICE_NAME") or DEFAULT_SERVICE_NAME
METRICS_NAMESPACE = os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or DEFAULT_METRICS_NAMESPACE


def tracing_enabled(environ: Mapping[str, str] = os.environ) -> bool:
    """Powertools' rule for when traces are sent: on Lambda (not under SAM local or Chalice), unless
    ``POWERTOOLS_TRACE_DISABLED`` is set to a true value."""
    if environ.get("POWERTOOLS_TRACE_DISABLED", "false").strip().lower() in _TRUTHY:
        return False
    on_lambda = bool(environ.get("LAMBDA_TASK_ROOT"))
    return on_lambda and not environ.get("AWS_SAM_LOCAL") and not environ.get("AWS_CHALICE_CLI_MODE")


logger = Logger(service=SERVICE_NAME, logger_formatter=ScrubbingFormatter())
# Constructing a Tracer imports the X-Ray SDK (~0.2-0.4 s), even a disabled one: only where traces
# are sent, and then here, once, during init (with SnapStart, inside the snapshot).
tracer: Tracer | None = Tracer(service=SERVICE_NAME) if tracing_enabled() else None
metrics = Metrics(namespace=METRICS_NAMESPACE, service=SERVICE_NAME)


def capture_lambda_handler(handler: H) -> H:
    """The handler traced when tracing is on (responses not captured: they hold customer data),
    else the handler itself."""
    if tracer is None:
        return handler
    return cast(H, tracer.capture_lambda_handler(capture_response=False)(handler))


_metrics_lock = threading.Lock()


def count(metric_name: str, value: int = 1) -> None:
    """Add ``value`` to a count metric (flushed by the handler's ``metrics.log_metrics``).

    Thread-safe: BigCommerce calls, and what their answers count, run on pool threads."""
    with _metrics_lock:
        metrics.add_metric(name=metric_name, unit=MetricUnit.Count, value=value)
