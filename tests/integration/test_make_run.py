"""`make run` as an admin or developer meets it: a child `make run` of its own, on free ports.

- Every event in events/, replayed in order (`make replay RESET=1`: the sandbox back to its demo store
  before each), answers what its name says: the status, and for errors the code.
- Its mistakes get one line each: a port already taken (by another `make run`, or another program)
  names the port, its variable, what holds it and free ports; Ctrl-C during the start-up ends it
  without a traceback; a variable that looks like a setting but is not one is warned about, naming
  the one meant; the banner lists every setting that differs from the defaults, secrets masked.
- SIGTERM to `make run`'s process group (make and Python both get it) stops it, every time: the
  signal only writes a byte to a pipe (Python's wakeup fd, from whichever thread it reached), so it
  cannot deadlock on a lock the interrupted main thread holds (tests/unit/test_stop_signal.py).
  `make test` stops MAKE_RUN_STOPS fresh starts (default 5); `MAKE_RUN_STOPS=20 pytest -k sigterm`
  runs the 20-stop loop.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from devtools import ports, replay
from devtools.adaptor_settings import ENVIRONMENT_VARIABLES
from devtools.run_settings import fingerprint
from devtools.template import REPOSITORY_ROOT
from tests.fixtures.gateway import BANNER_END, checked_client
from tests.integration.commands import run_make, start_make
from tests.integration.test_auto_link_handler import SCENARIOS
from tests.integration.test_events_replay import LOOKUP_EVENTS

EVENTS = REPOSITORY_ROOT / "events"
STARTUP_SECONDS = 60.0
STOP_SECONDS = 15.0
STOPS = int(os.environ.get("MAKE_RUN_STOPS", "5"))
_URL = re.compile(r"^\s*Lookup URL\s+(http://127\.0\.0\.1:\d+/\S+)/lookup", re.MULTILINE)
_SANDBOX = re.compile(r"BIGCOMMERCE_API_BASE=(http://127\.0\.0\.1:\d+)")

# What each action event's name says, as (status, error code): 200 a form or a done action, 400 a
# field to fix, 406 an action this order or customer does not allow, 401 a refused signature.
ACTION_EVENTS: dict[str, tuple[int, str | None]] = {
    "cancel-form.json": (200, None),
    "cancel-form-already-cancelled.json": (406, "already_cancelled"),
    "cancel-form-shipped.json": (406, "already_shipped"),
    "cancel-submit.json": (200, None),
    "cancel-submit-with-refund.json": (200, None),
    # BigCommerce takes the refund request; the provider's decline comes later (the answer says so)
    "cancel-submit-refund-declined.json": (200, None),
    "cancel-submit-already-cancelled.json": (406, "already_cancelled"),
    "cancel-submit-shipped.json": (406, "already_shipped"),
    "cancel-submit-expired-token.json": (406, "form_expired"),
    "cancel-submit-bad-signature.json": (401, "bad_signature"),
    "cancel-submit-invalid-refund-choice.json": (400, "invalid_choice"),
    "cancel-submit-missing-reason.json": (400, "missing"),
    "discount-form.json": (200, None),
    "discount-form-guest.json": (200, None),
    "discount-form-invalid-customer.json": (406, "invalid_customer"),
    "discount-form-unknown-customer.json": (406, "customer_not_found"),
    "discount-submit-percentage.json": (200, None),
    "discount-submit-fixed-amount.json": (200, None),
    "discount-submit-free-shipping.json": (200, None),
    "discount-submit-guest.json": (200, None),
    "discount-submit-multi-use.json": (200, None),
    "discount-submit-bad-signature.json": (401, "bad_signature"),
    "discount-submit-expired-token.json": (406, "form_expired"),
    "discount-submit-expiry-too-long.json": (400, "out_of_range"),
    "discount-submit-free-shipping-with-amount.json": (400, "conflicting_fields"),
    "discount-submit-invalid-customer.json": (400, "invalid_customer"),
    "discount-submit-malformed-amount.json": (400, "invalid_amount"),
    "discount-submit-malformed-percentage.json": (400, "invalid_percentage"),
    "discount-submit-malformed-uses.json": (400, "invalid_number"),
    "discount-submit-missing-amount.json": (400, "missing"),
    "discount-submit-missing-reason.json": (400, "missing"),
    "discount-submit-missing-token.json": (400, "invalid_token"),
    "discount-submit-missing-type.json": (400, "missing"),
    "discount-submit-over-maximum-amount.json": (400, "exceeds_maximum"),
    "discount-submit-over-maximum-percentage.json": (400, "exceeds_maximum"),
    "discount-submit-token-of-another-customer.json": (400, "form_not_for_this"),
    "discount-submit-too-many-uses.json": (400, "out_of_range"),
    "staff-note-form.json": (200, None),
    "staff-note-submit.json": (200, None),
    "staff-note-submit-empty-note.json": (400, "missing"),
    "staff-note-submit-two-lines.json": (400, "invalid_text"),
    "staff-note-submit-expired-token.json": (406, "form_expired"),
    "store-credit-form.json": (200, None),
    "store-credit-form-guest.json": (406, "guest_customer"),
    "store-credit-submit.json": (200, None),
    "store-credit-submit-negative-amount.json": (400, "invalid_amount"),
    "store-credit-submit-over-maximum.json": (400, "exceeds_maximum"),
    "store-credit-submit-amount-in-arabic-indic-digits.json": (400, "invalid_amount"),
    "store-credit-submit-missing-reason.json": (400, "missing"),
    "store-credit-submit-expired-token.json": (406, "form_expired"),
    "shipping-address-form.json": (200, None),
    "shipping-address-form-shipped.json": (406, "already_shipped"),
    "shipping-address-submit.json": (200, None),
    "shipping-address-submit-unknown-country.json": (400, "invalid_choice"),
    "shipping-address-submit-unknown-state.json": (400, "unknown_state"),
    "shipping-address-submit-shipped.json": (406, "already_shipped"),
    "refund-form.json": (200, None),
    "refund-form-guest-order.json": (200, None),
    "refund-form-nothing-left.json": (406, "nothing_to_refund"),
    "refund-form-other-customers-order.json": (406, "order_of_another_customer"),
    "refund-form-unpaid.json": (406, "nothing_to_refund"),
    "refund-submit-amount.json": (200, None),
    "refund-submit-everything.json": (200, None),
    "refund-submit-items.json": (200, None),
    "refund-submit-shipping.json": (200, None),
    "refund-submit-store-credit.json": (200, None),
    "refund-submit-declined.json": (200, None),
    "refund-submit-bad-signature.json": (401, "bad_signature"),
    "refund-submit-conflicting-fields.json": (400, "conflicting_fields"),
    "refund-submit-expired-token.json": (406, "form_expired"),
    "refund-submit-malformed-amount.json": (400, "invalid_amount"),
    "refund-submit-missing-reason.json": (400, "missing"),
    "refund-submit-missing-token.json": (400, "invalid_token"),
    "refund-submit-nothing-left.json": (406, "nothing_to_refund"),
    "refund-submit-over-refund-amount.json": (400, "exceeds_remaining"),
    "refund-submit-over-refund-quantity.json": (400, "exceeds_remaining"),
    # a guest's refund form offers no store credit: it is no option of the select
    "refund-submit-store-credit-guest.json": (400, "invalid_choice"),
    "refund-submit-token-of-another-order.json": (400, "form_not_for_this"),
    # issue 16: every value means one thing
    "refund-submit-method-as-list.json": (400, "invalid_type"),
    "refund-submit-method-as-number.json": (400, "invalid_type"),
    "refund-submit-line-zero-padded.json": (400, "unknown_field"),
    "refund-submit-line-alias-beside-its-field.json": (400, "unknown_field"),
    "refund-submit-line-in-arabic-indic-digits.json": (400, "unknown_field"),
    "refund-submit-field-name-of-4301-digits.json": (400, "unknown_field"),
    "refund-submit-amount-in-arabic-indic-digits.json": (400, "invalid_amount"),
    "refund-submit-amount-in-fullwidth-digits.json": (400, "invalid_amount"),
    "refund-submit-amount-in-mathematical-digits.json": (400, "invalid_amount"),
    "refund-submit-amount-with-no-break-space.json": (400, "invalid_amount"),
    "refund-submit-amount-as-json-number.json": (400, "invalid_type"),
    "refund-submit-order-id-with-leading-zero.json": (400, "invalid"),
    "refund-submit-reason-right-to-left-override.json": (400, "invalid_text"),
    "refund-submit-reason-with-nul.json": (400, "invalid_text"),
    "refund-submit-reason-with-markup.json": (200, None),
    "cancel-submit-refund-choice-without-method.json": (400, "invalid_choice"),
    "cancel-submit-refund-choice-with-space.json": (400, "invalid_choice"),
    "discount-submit-percentage-in-arabic-indic-digits.json": (400, "invalid_percentage"),
    "discount-submit-days-as-json-number.json": (400, "invalid_type"),
}
# The auto-link events answer their scenario's decision (test_auto_link_handler.SCENARIOS), under
# `make run`'s default Auto-Linking Fields (email, phone): auto-link-disabled-field.json links by
# phone here and shows `only_disabled_fields` only with AUTO_LINK_FIELDS=email (docs/running-locally.md).
AUTO_LINK_EVENTS = {scenario.event: scenario for scenario in SCENARIOS}


@dataclass(frozen=True)
class RunningStack:
    process: subprocess.Popen[bytes]
    stage_url: str
    sandbox_url: str
    log: Path


def clean_environment() -> dict[str, str]:
    """This process's environment without AWS, a store, or the deployment settings the session gateway
    may have put in it: `make run` as a developer's shell starts it."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "BIGCOMMERCE_")) and name not in ENVIRONMENT_VARIABLES
    }


@contextmanager
def make_run(tmp_path: Path, **settings: str) -> Iterator[RunningStack]:
    """`make run` in a process group of its own, on free ports; the whole group is stopped on the way out."""
    environment = {
        **clean_environment(),
        **settings,
        "GATEWAY_PORT": "0",
        "SANDBOX_PORT": "0",
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / f"make-run-{time.monotonic_ns()}.log"
    with log.open("wb") as output:
        process = start_make("run", env=environment, output=output)
    try:
        text = _wait_for_banner(process, log)
        url, sandbox = _URL.search(text), _SANDBOX.search(text)
        assert url is not None and sandbox is not None, text
        yield RunningStack(process, url[1], sandbox[1], log)
    finally:
        with suppress(ProcessLookupError):  # the group may be gone already
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _wait_for_banner(process: subprocess.Popen[bytes], log: Path) -> str:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        if BANNER_END in text:
            return text
        assert process.poll() is None, f"make run exited:\n{text}"
        time.sleep(0.05)
    raise AssertionError(f"make run did not start in {STARTUP_SECONDS} s:\n{log.read_text(errors='replace')}")


def _group_alive(pgid: int) -> bool:
    """Whether any process of the group is still running (zombies, already exited, do not count)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, process_group = fields[0], int(fields[2])
        if process_group == pgid and state != "Z":
            return True
    return False


def _expected(name: str) -> tuple[int, str | None]:
    if name in ACTION_EVENTS:
        return ACTION_EVENTS[name]
    if name in AUTO_LINK_EVENTS:
        return 200, None
    status, _check = LOOKUP_EVENTS[name]
    return status, None


def test_every_event_has_what_its_name_says() -> None:
    names = sorted(path.name for path in EVENTS.glob("*.json"))
    assert sorted([*ACTION_EVENTS, *AUTO_LINK_EVENTS, *LOOKUP_EVENTS]) == names


def test_every_event_replayed_in_order_answers_what_its_name_says(tmp_path: Path) -> None:
    # Given a freshly started `make run`
    with make_run(tmp_path) as stack:
        client, checker = checked_client(stack.stage_url)
        wrong: list[str] = []
        # When every event is replayed in order, the sandbox reset before each (make replay RESET=1)
        for path in sorted(EVENTS.glob("*.json")):
            replay.reset_sandbox(stack.sandbox_url)
            response = client.send_event(path)
            body: Any = response.json()
            # Then each answers the status (and error code, or decision) its name says
            status, code = _expected(path.name)
            got_code = body["errors"][0]["code"] if response.status_code >= 400 else None
            if response.status_code != status or (code is not None and got_code != code):
                wrong.append(f"{path.name}: HTTP {response.status_code} {got_code}, expected {status} {code}")
            elif path.name in LOOKUP_EVENTS and not LOOKUP_EVENTS[path.name][1](body):
                wrong.append(f"{path.name}: {body}")
            elif path.name in AUTO_LINK_EVENTS:
                scenario = AUTO_LINK_EVENTS[path.name]
                refs = [candidate["customerRef"] for candidate in body["candidates"]]
                if (body["kind"], refs, body["reasons"][0]["code"]) != (
                    scenario.kind,
                    scenario.candidates,
                    scenario.reason,
                ):
                    wrong.append(f"{path.name}: {body['kind']} {refs} {body['reasons'][0]['code']}")
        assert wrong == [], "\n".join(wrong)
        # and every answer is one the adaptor's OpenAPI file describes
        checker.fail_on_problems()


def test_replay_reset_lets_a_second_refund_of_the_same_order_succeed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given `make run`, and two events that refund order 100 (the first refunds everything)
    events = [str(EVENTS / "refund-submit-everything.json"), str(EVENTS / "refund-submit-items.json")]
    with make_run(tmp_path) as stack:
        # (only GATEWAY_URL: make replay asks that gateway which sandbox to reset)
        monkeypatch.setenv("GATEWAY_URL", stack.stage_url)
        monkeypatch.delenv("SANDBOX_URL", raising=False)
        # When make replay sends both without a reset, then both with --reset
        assert replay.main(events) == 0
        without_reset = capsys.readouterr().out
        assert replay.main(["--reset", *events]) == 0
        with_reset = capsys.readouterr().out
    # Then the second finds nothing left without a reset, and is refunded after one
    assert re.findall(r"-> HTTP (\d+)", without_reset) == ["200", "406"]
    assert re.findall(r"-> HTTP (\d+)", with_reset) == ["200", "200"]


def test_the_banner_names_only_the_enabled_actions_and_the_sandbox_api(tmp_path: Path) -> None:
    # Given `make run` with only refunds enabled
    with make_run(tmp_path, ACTIONS_ENABLED="refund") as stack:
        banner = stack.log.read_text()
    # Then the banner lists the refund URL alone, and the sandbox's API base and its API's real path
    assert f"Actions        {stack.stage_url}/actions/refund\n" in banner
    assert "/actions/cancel" not in banner and "/actions/discount" not in banner
    assert f"BIGCOMMERCE_API_BASE={stack.sandbox_url}" in banner
    assert f"{stack.sandbox_url}/stores/sandbox/v3/" in banner


@pytest.mark.parametrize("attempt", range(STOPS))
def test_sigterm_to_the_process_group_stops_make_run(tmp_path: Path, attempt: int) -> None:
    # Given a freshly started `make run`, up and answering
    with make_run(tmp_path) as stack:
        pgid = stack.process.pid
        # When its whole process group gets SIGTERM (as a terminal, a supervisor or `kill -- -PGID` sends)
        os.killpg(pgid, signal.SIGTERM)
        # Then every process of the group is gone within STOP_SECONDS, after shutting down cleanly
        deadline = time.monotonic() + STOP_SECONDS
        while _group_alive(pgid) and time.monotonic() < deadline:
            time.sleep(0.05)
        log = stack.log.read_text(errors="replace")
        assert not _group_alive(pgid), (
            f"attempt {attempt}: make run still running {STOP_SECONDS} s after SIGTERM\n{log}"
        )
        assert "Stopping." in log, log
        assert "Traceback" not in log, log


# --- Mistakes, each answered in a line ----------------------------------------------------------------

CUSTOM_KEY = "a-signing-key-of-my-own"


@pytest.fixture(scope="module")
def customized_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """`make run` with a misspelt setting, a setting changed and a signing key of its own."""
    settings = {"ACTION_ENABLED": "refund", "RECENT_ORDERS": "5", "GLADLY_SIGNING_KEY": CUSTOM_KEY}
    with make_run(tmp_path_factory.mktemp("customized"), **settings) as stack:
        yield stack


def _banner_block(text: str, title: str) -> list[str]:
    """The banner's lines under a title (`Settings`, `Warnings`), without the indentation."""
    lines = text.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith(f"  {title} "))
    block = [lines[start][17:]]
    for line in lines[start + 1 :]:
        if not line.startswith(" " * 17):
            break
        block.append(line[17:])
    return block


def test_a_variable_that_looks_like_a_setting_is_warned_about_naming_the_one_meant(
    customized_stack: RunningStack,
) -> None:
    log = customized_stack.log.read_text()
    warning = "ACTION_ENABLED is not a setting of make run and is ignored: did you mean ACTIONS_ENABLED?"
    # Said at once, before the start-up's wait, and again on the banner
    assert log.splitlines()[0] == f"Warning: {warning}"
    assert _banner_block(log, "Warnings") == [warning]
    # And it was ignored indeed: against the sandbox every action is still on
    assert "/actions/refund | " in log and "/actions/discount" in log


def test_the_banner_lists_every_setting_that_differs_from_the_defaults_with_secrets_masked(
    customized_stack: RunningStack,
) -> None:
    log = customized_stack.log.read_text()
    masked = f"<{len(CUSTOM_KEY)} characters, fingerprint {fingerprint(CUSTOM_KEY)}>"
    assert _banner_block(log, "Settings") == [
        "RECENT_ORDERS=5 (default 10)",
        "GATEWAY_PORT=0 (default 3000)",
        "SANDBOX_PORT=0 (default 3001)",
        f"GLADLY_SIGNING_KEY={masked} (default local-dev-signing-key)",
    ]
    assert f"  Signing key    GLADLY_SIGNING_KEY's ({len(CUSTOM_KEY)} characters, fingerprint" in log
    assert CUSTOM_KEY not in log


def _make_run_until_it_ends(environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_make("run", env={**clean_environment(), **environment}, timeout=STARTUP_SECONDS)


def _own_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    """What make run printed, without make's own closing line (`make: *** [...] Error 1`)."""
    return [line for line in (result.stdout + result.stderr).splitlines() if not line.startswith("make: ***")]


def test_make_run_twice_ends_with_one_line_naming_the_ports_what_holds_them_and_free_ones(
    customized_stack: RunningStack,
) -> None:
    gateway_port = urlsplit(customized_stack.stage_url).port
    sandbox_port = urlsplit(customized_stack.sandbox_url).port
    # When a second make run is started on the first one's ports
    result = _make_run_until_it_ends({"GATEWAY_PORT": str(gateway_port), "SANDBOX_PORT": str(sandbox_port)})
    # Then it ends at once, non-zero, with one line and no traceback
    assert result.returncode != 0
    (line,) = _own_lines(result)
    assert line.startswith(
        f"make run cannot start: port {gateway_port} (GATEWAY_PORT) is taken by another `make run` (its "
        f"local gateway answers there); port {sandbox_port} (SANDBOX_PORT) is taken by a BigCommerce sandbox"
    )
    assert "Stop them, or use free ports: GATEWAY_PORT=" in line and " SANDBOX_PORT=" in line
    assert line.endswith(" make run")
    # And the first one still answers, untouched
    assert (
        replay.GladlyClient(customized_stack.stage_url, CUSTOM_KEY)
        .post("/lookup", {"lookupLevel": "BASIC", "query": {"email": "nobody@example.com"}})
        .status_code
        == 200
    )


def test_a_port_another_program_holds_is_named_with_free_ports_to_use() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind((ports.LOOPBACK, 0))
        holder.listen(1)
        taken = holder.getsockname()[1]
        result = _make_run_until_it_ends({"GATEWAY_PORT": str(taken), "SANDBOX_PORT": "0"})
    assert result.returncode != 0
    (line,) = _own_lines(result)
    assert line.startswith(
        f"make run cannot start: port {taken} (GATEWAY_PORT) is taken by another program (it does not "
        "answer HTTP). Stop it, or use free ports: GATEWAY_PORT="
    )


def _loaded(pgid: int, library: str) -> bool:
    """Whether a process of the group has mapped a shared library (it is importing what needs it)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[2]) != pgid:
                continue
            if library in (entry / "maps").read_text():
                return True
        except (OSError, ValueError):
            continue
    return False


@pytest.mark.parametrize("moment", ["importing", "starting"])
def test_ctrl_c_during_the_start_up_ends_make_run_without_a_traceback(tmp_path: Path, moment: str) -> None:
    log = tmp_path / "make-run.log"
    environment = {
        **clean_environment(),
        "GATEWAY_PORT": "0",
        "SANDBOX_PORT": "0",
        "PYTHONUNBUFFERED": "1",
    }
    with log.open("wb") as output:
        process = start_make("run", env=environment, output=output)
    try:
        # Given make run in the middle of its start-up: importing the adaptor (pydantic's core mapped),
        # or starting the sandbox, moto and the handlers (its first line printed)
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if moment == "importing" and _loaded(process.pid, "pydantic_core"):
                break
            if moment == "starting" and "Starting the local adaptor" in log.read_text():
                break
            assert process.poll() is None, log.read_text()
            time.sleep(0.01)
        assert BANNER_END not in log.read_text(), "make run was up before Ctrl-C: no start-up to interrupt"
        # When Ctrl-C reaches it (the terminal sends SIGINT to the whole process group)
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=STOP_SECONDS * 2)
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    # Then it ends, non-zero, saying so in a line, without a traceback, leaving nothing running
    text = log.read_text(errors="replace")
    assert process.returncode != 0
    assert "Traceback" not in text, text
    assert "make run: stopped by Ctrl-C; nothing is left running." in text
    assert not _group_alive(process.pid)
