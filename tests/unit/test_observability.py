"""PII masking, and the log formatter that keeps emails, phones and secrets out of every line."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gladly_bigcommerce import observability
from gladly_bigcommerce.observability import (
    REDACTED,
    capture_lambda_handler,
    forget_secrets,
    logger,
    mask_email,
    mask_name,
    mask_phone,
    register_secret,
    scrub,
    tracing_enabled,
)


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("martha@example.com", "m***@e***.com"),
        (" Martha.Williams@mail.example.co.uk ", "M***@m***.uk"),
        ("a@localhost", "a***@l***"),
        ("not-an-email", "n***"),
    ],
)
def test_emails_are_masked(email: str, masked: str) -> None:
    assert mask_email(email) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("+14155550100", "+1******0100"), ("+447700900123", "+4*******0123"), ("12345", "*****"), ("", "")],
)
def test_phones_keep_only_the_country_prefix_and_last_four(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


def test_names_keep_initials() -> None:
    assert mask_name("Martha  Williams") == "M*** W***"
    assert mask_name("") == ""


def test_scrub_masks_what_looks_like_pii_and_redacts_registered_secrets() -> None:
    register_secret("tok-1234567890")
    try:
        text = scrub("token tok-1234567890 for martha@example.com at +14155550100, order 100 of 2026-03-01")
    finally:
        forget_secrets()
    assert text == f"token {REDACTED} for m***@e***.com at +1******0100, order 100 of 2026-03-01"


def test_short_values_are_not_treated_as_secrets() -> None:
    register_secret("abc")
    assert scrub("abc") == "abc"


@pytest.mark.usefixtures("forget_secrets_after")
def test_a_log_line_carries_no_email_phone_or_secret(log_lines: io.StringIO) -> None:
    # Given a registered secret and a careless log call that includes PII and the secret
    register_secret("sk_live_0123456789")
    # When it is logged, extra keys and exception text included
    try:
        raise RuntimeError("lookup failed for martha@example.com with sk_live_0123456789")
    except RuntimeError:
        logger.exception(
            "Lookup of martha@example.com / +14155550100 failed",
            extra={"customer_phone": "+14155550100", "token": "sk_live_0123456789"},
        )
    # Then the written line holds none of them
    line = log_lines.getvalue()
    record = json.loads(line)
    assert "martha@example.com" not in line
    assert "+14155550100" not in line
    assert "sk_live_0123456789" not in line
    assert record["message"] == "Lookup of m***@e***.com / +1******0100 failed"
    assert record["token"] == REDACTED


# --- tracing only where traces are sent ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "enabled"),
    [
        ({}, False),  # tests, `make run`, the bench
        ({"LAMBDA_TASK_ROOT": "/var/task"}, True),
        ({"LAMBDA_TASK_ROOT": "/var/task", "POWERTOOLS_TRACE_DISABLED": "true"}, False),
        ({"LAMBDA_TASK_ROOT": "/var/task", "POWERTOOLS_TRACE_DISABLED": "0"}, True),
        ({"LAMBDA_TASK_ROOT": "/var/task", "AWS_SAM_LOCAL": "true"}, False),
    ],
)
def test_traces_are_sent_on_lambda_unless_disabled(environ: dict[str, str], enabled: bool) -> None:
    assert tracing_enabled(environ) is enabled


def test_a_cold_lookup_handler_imports_neither_the_xray_sdk_nor_the_action_machinery() -> None:
    # Given a fresh interpreter outside Lambda (tracing off), importing the lookup function's handler
    code = (
        "import sys; import app; "
        "print(sorted({m.split('.')[0] for m in sys.modules if m.startswith('aws_xray_sdk')}), "
        "'gladly_bigcommerce.actions.machinery.context' in sys.modules, "
        "'gladly_bigcommerce.actions.machinery.exactly_once' in sys.modules, "
        "sorted(m for m in sys.modules if m == 'devtools' or m.startswith('devtools.')))"
    )
    root = Path(__file__).resolve().parents[2]
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "LAMBDA_", "POWERTOOLS_"))},
        "PYTHONPATH": os.pathsep.join([str(root / "functions" / "lookup"), str(root / "shared")]),
    }
    child = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, cwd=root, check=True
    )
    # Then neither the X-Ray SDK, the actions' DynamoDB and submit machinery, nor any devtools was imported
    assert child.stdout.split() == ["[]", "False", "False", "[]"]


def test_without_tracing_the_handler_is_not_wrapped() -> None:
    def handler(event: dict[str, str], context: object) -> dict[str, str]:
        return event

    assert observability.tracer is None  # tests run outside Lambda
    assert capture_lambda_handler(handler) is handler
