"""`make replay` as a tester reads it (devtools/replay.py, replay_report.py), against the local gateway.

Each event's file name comes before its answer; several answers are one line each, one event's whole;
a summary ends the run, one line per event. A missing file is named before anything is sent. RESET=1
resets only the sandbox the gateway itself names, never another one, and refuses when it names none.
A refusal for the signature says which key signed and where the expected one is shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from devtools import replay
from devtools.gateway import LocalGateway
from devtools.replay_report import LINE_LIMIT
from devtools.sandbox import SandboxServer
from devtools.template import REPOSITORY_ROOT
from tests.fixtures.gateway import configured_gateway
from tests.integration.commands import run_make
from tests.integration.test_gateway_info import another_web_server

EVENTS = REPOSITORY_ROOT / "events"
Replay = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run_replay(
    gateway: LocalGateway,
    bc_sandbox: SandboxServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Replay:
    """`make replay` against the session gateway: (exit status, stdout, stderr)."""

    def run(*arguments: str | Path, key: str | None = None, url: str | None = None) -> tuple[int, str, str]:
        monkeypatch.setenv("GATEWAY_URL", url or gateway.url)
        if key is None:
            monkeypatch.delenv("GLADLY_SIGNING_KEY", raising=False)
        else:
            monkeypatch.setenv("GLADLY_SIGNING_KEY", key)
        status = replay.main([str(argument) for argument in arguments])
        printed = capsys.readouterr()
        # The handlers run in this process and log to its stdout (in `make run`'s terminal, normally):
        # their JSON lines start at the line's start, the replay's answers are indented
        out = "".join(line for line in printed.out.splitlines(keepends=True) if not line.startswith('{"'))
        return status, out, printed.err

    return run


def test_each_event_is_named_before_its_answer_and_a_summary_lists_them(run_replay: Replay) -> None:
    names = [
        "lookup-manual-search-email.json",
        "refund-form-nothing-left.json",
        "lookup-detailed-registered.json",
    ]
    # When three events are replayed
    status, out, _ = run_replay(*(EVENTS / name for name in names))
    assert status == 0
    lines = out.splitlines()
    # Then each name comes first, then its request and status, then its answer on one line
    for name in names:
        at = lines.index(f"== {EVENTS / name}")
        assert re.fullmatch(r"   (GET|POST) /prod/\S+ -> HTTP \d{3} [A-Z ]+", lines[at + 1]), lines[at + 1]
        assert lines[at + 2].startswith("   {")
    # And a DETAILED answer (hundreds of lines whole) is cut, saying how to see it whole
    detailed = lines[lines.index(f"== {EVENTS / names[2]}") + 2]
    assert detailed.endswith("VERBOSE=1 prints whole answers)") and len(detailed) < LINE_LIMIT + 80
    # And the summary has one line per event: name, status, error code
    summary = lines[lines.index("Summary: 3 events (name, status, error code)") + 1 :]
    assert [line.split() for line in summary] == [
        ["lookup-manual-search-email.json", "200", "-"],
        ["refund-form-nothing-left.json", "406", "nothing_to_refund"],
        ["lookup-detailed-registered.json", "200", "-"],
    ]
    assert len(lines) <= 3 * 3 + 2 + 3  # three lines per event, the summary's title, its lines


def test_one_event_prints_its_answer_whole(run_replay: Replay) -> None:
    status, out, _ = run_replay(EVENTS / "lookup-detailed-registered.json")
    assert status == 0
    assert "VERBOSE=1" not in out and "Summary" not in out
    assert '"name": "Martha Williams"' in out  # pretty JSON, a key per line
    assert len(out.splitlines()) > 100


def test_verbose_prints_every_answer_whole(run_replay: Replay) -> None:
    detailed = EVENTS / "lookup-detailed-registered.json"
    status, out, _ = run_replay("--verbose", detailed, EVENTS / "lookup-manual-search-email.json")
    assert status == 0
    assert "VERBOSE=1 prints whole answers" not in out
    assert out.count('\n  "results": [') == 2  # each answer whole, pretty: its top-level key at indent 2


def test_a_missing_file_is_named_and_nothing_is_sent(run_replay: Replay, bc_sandbox: SandboxServer) -> None:
    # Given one event that exists and one that does not
    status, out, err = run_replay(
        EVENTS / "refund-submit-everything.json", EVENTS / "refund-submit-nothng.json"
    )
    # Then the missing one is named, with where the events are, and nothing at all was sent
    assert status == 2
    assert err.startswith(
        f"make replay: {EVENTS / 'refund-submit-nothng.json'}: no such file. Nothing was sent."
    )
    assert "events/lookup-manual-search-email.json" in err
    assert out == ""
    assert bc_sandbox.requests.snapshot() == []


def test_a_file_that_is_not_an_event_says_where_it_is_not(run_replay: Replay, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"httpMethod": "POST",\n "path": "/lookup",}\n')
    status, _, err = run_replay(broken)
    assert status == 2
    assert f"{broken} is not JSON (Expecting property name enclosed in double quotes at line 2, column" in err


def test_make_replay_with_a_missing_file_ends_without_a_traceback() -> None:
    result = run_make("replay", "EVENT=events/no-such-event.json")
    assert result.returncode != 0
    assert "make replay: events/no-such-event.json: no such file." in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_reset_resets_the_sandbox_behind_the_gateway_and_no_other(
    run_replay: Replay, bc_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given another sandbox on another port (another developer's), named by the old variables too
    with SandboxServer() as other:
        monkeypatch.setenv("SANDBOX_URL", other.url)
        monkeypatch.setenv("SANDBOX_PORT", str(other.port))
        other.store.add_customer(email="someone.elses@example.com", first_name="Some", last_name="One")
        # And a customer added to the gateway's own sandbox since its reset
        bc_sandbox.store.add_customer(email="added.here@example.com", first_name="Add", last_name="Ed")
        # When an event is replayed with RESET=1
        status, out, _ = run_replay("--reset", EVENTS / "lookup-manual-search-email.json")
        assert status == 0, out
        # Then the gateway's sandbox is back to its demo store, and the other one untouched
        assert not _has_customer(bc_sandbox, "added.here@example.com")
        assert _has_customer(other, "someone.elses@example.com")


def test_reset_is_refused_when_the_url_is_no_local_gateway(
    run_replay: Replay, bc_sandbox: SandboxServer, tmp_path: Path
) -> None:
    # A deployed API (here: another web server) does not say which sandbox it uses
    bc_sandbox.store.add_customer(email="kept@example.com", first_name="Kept", last_name="Here")
    with another_web_server(tmp_path) as url:
        status, out, err = run_replay("--reset", EVENTS / "lookup-manual-search-email.json", url=url)
    assert status == 2
    assert "RESET=1 resets only the sandbox behind `make run`'s local gateway" in err
    assert "nothing was reset or sent" in err and out == ""
    assert _has_customer(bc_sandbox, "kept@example.com")


def test_reset_is_refused_when_the_gateway_calls_a_store_make_run_did_not_start(
    bc_sandbox_server: SandboxServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given make run against a store it did not start (BIGCOMMERCE_*: here the sandbox, as a real store)
    bc_sandbox_server.reset()
    bc_sandbox_server.store.add_customer(email="kept@example.com", first_name="Kept", last_name="Here")
    with configured_gateway(bc_sandbox_server, {}) as client:
        monkeypatch.setenv("GATEWAY_URL", client.base_url)
        # When a replay asks for RESET=1
        status = replay.main(["--reset", str(EVENTS / "lookup-manual-search-email.json")])
    # Then it refuses: that store is not make run's sandbox, so nothing is reset or sent
    assert status == 2
    err = capsys.readouterr().err
    assert "calls store sandbox, not a sandbox `make run` started" in err
    assert _has_customer(bc_sandbox_server, "kept@example.com")
    bc_sandbox_server.reset()


def test_a_signature_refusal_names_the_key_that_signed_and_where_the_expected_one_is(
    run_replay: Replay,
) -> None:
    # When an event not named for a refusal is signed with a key other than the deployment's
    status, out, _ = run_replay(EVENTS / "lookup-manual-search-email.json", key="a-key-of-another-deployment")
    # Then the 401 bad_signature says which key signed it, and that make run's banner shows the expected one
    assert status == 0
    assert "-> HTTP 401" in out
    hint = next(line for line in out.splitlines() if "!! Refused for its signature" in line)
    assert f"fingerprint {replay.fingerprint('a-key-of-another-deployment')}" in hint
    assert "`make run`'s banner" in hint and "GLADLY_SIGNING_KEY" in hint
    assert "a-key-of-another-deployment" not in out


def test_the_default_key_is_named_in_clear_and_events_named_for_a_refusal_get_no_hint(
    run_replay: Replay,
) -> None:
    events = [
        EVENTS / "lookup-bad-signature.json",
        EVENTS / "lookup-unsigned.json",
        EVENTS / "lookup-auto-link.json",
    ]
    status, out, _ = run_replay(*events, key="not-the-local-key")
    assert status == 0
    # The first two are refused as their names say: no hint; the third, signed with the wrong key, gets one
    assert out.count("!! Refused for its signature") == 1
    summary = out.split("Summary:")[1].splitlines()
    assert [line.split()[:3] for line in summary[1:]] == [
        ["lookup-bad-signature.json", "401", "bad_signature"],
        ["lookup-unsigned.json", "401", "missing_header"],
        ["lookup-auto-link.json", "401", "bad_signature"],
    ]
    assert summary[3].endswith("<- signed with another key than the deployment's: see above")
    # And against make run's key the default is named in clear
    assert replay.describe_signing_key(replay.DEFAULT_SIGNING_KEY).startswith(
        "local-dev-signing-key (the default"
    )


def _has_customer(sandbox: SandboxServer, email: str) -> bool:
    return any(customer.email == email for customer in sandbox.store.customers.values())
