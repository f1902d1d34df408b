"""`CONTAINERS=N make run`: each function in N worker processes, handed requests in turn, as Lambda's
containers: memory not shared between them, DynamoDB (moto) shared (devtools/fleet.py).

A fleet of two containers per function runs for the module, in this process's gateway (its workers
are child processes); which worker answered is in each answer's `X-Local-Container` header. The
cache of BigCommerce answers the workers share (DynamoDB) is emptied before each test
(`bc_sandbox`). `make run` itself, its banner, Ctrl-C and a refused CONTAINERS value are tested
through a child `make run`.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest
import requests

from devtools import fleet
from devtools.aws import LocalResources
from devtools.fleet import FleetError
from devtools.gateway import CONTAINER_HEADER, LocalGateway
from devtools.replay import DEFAULT_SIGNING_KEY, GladlyClient
from devtools.run import local_parameters, sandbox_store, start_gateway
from devtools.sandbox import SandboxServer, seed
from devtools.template import DEFAULT_TEMPLATE_PATH, SamTemplate
from tests.fixtures.gateway import checked_client
from tests.fixtures.sandbox import SandboxHttp
from tests.integration.actions_support import MARTHA, open_action_form, submit
from tests.integration.test_discount_action import CODES_PATH, PROMOTIONS_PATH, TEN_PERCENT
from tests.integration.test_make_run import (
    STOP_SECONDS,
    _group_alive,
    _make_run_until_it_ends,
    _own_lines,
    make_run,
)

pytestmark = pytest.mark.xdist_group("fleet")

CONTAINERS = 2
SEARCH = {"lookupLevel": "BASIC", "uniqueMatchRequired": False, "query": {"email": seed.MARTHA_EMAIL}}
DETAILED = {
    "lookupLevel": "DETAILED",
    "uniqueMatchRequired": True,
    "query": {"name": "Martha Williams", "emails": [seed.MARTHA_EMAIL], "externalCustomerId": MARTHA},
}
WAIT_SECONDS = 30.0
"""A guard for what a test waits for (a worker replaced, a process gone): never a timing assertion."""


@pytest.fixture(scope="module")
def fleet_gateway(
    local_aws: LocalResources, bc_sandbox_server: SandboxServer, gateway: LocalGateway
) -> Iterator[LocalGateway]:
    """The fleet, started after the session's gateway (same deployment): a gateway restores the
    environment it found when it stops, so this one, stopped first, leaves the session's in place."""
    fleet_gateway = start_gateway(
        local_aws, sandbox_store(bc_sandbox_server.url), access_log=False, containers=CONTAINERS
    )
    try:
        yield fleet_gateway
    finally:
        fleet_gateway.stop()


@pytest.fixture
def client(fleet_gateway: LocalGateway, bc_sandbox: SandboxServer) -> Iterator[GladlyClient]:
    checked, checker = checked_client(fleet_gateway.url)
    yield checked
    checker.fail_on_problems()


def pid_of(response: requests.Response) -> int:
    """The process id of the worker that answered (`X-Local-Container: 2/2 pid 12345`)."""
    return int(response.headers[CONTAINER_HEADER].rsplit(" ", 1)[1])


def command_line(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def said(capfd: pytest.CaptureFixture[str], text: str) -> Any:
    """A condition for `wait_until`: `text` was written to standard error (by the fleet, in this
    process), in however many pieces the capture returns it."""
    seen: list[str] = []

    def condition() -> bool:
        seen.append(capfd.readouterr().err)
        return text in "".join(seen)

    return condition


def wait_until(condition: Any, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"still waiting after {WAIT_SECONDS} s for {what}"
        time.sleep(0.05)


def test_a_functions_requests_are_handed_in_turn_to_its_worker_processes(client: GladlyClient) -> None:
    # When four searches are sent, one after the other
    answers = [client.post("/lookup", SEARCH) for _ in range(4)]
    # Then each was answered by one of two worker processes, in turn, neither of them this one
    assert [answer.status_code for answer in answers] == [200] * 4
    pids = [pid_of(answer) for answer in answers]
    assert pids[0] != pids[1] and pids[2:] == pids[:2]
    assert os.getpid() not in pids
    for pid in set(pids):
        assert "devtools.fleet_worker" in command_line(pid) and "LookupFunction" in command_line(pid)
    assert {answer.headers[CONTAINER_HEADER].split(" ")[0] for answer in answers} == {"1/2", "2/2"}


def test_without_a_fleet_the_handlers_answer_in_the_gateways_process(
    gladly_client: GladlyClient, gateway: LocalGateway
) -> None:
    # Given the default gateway (CONTAINERS=1): no worker, no header
    assert gateway.containers == 1
    assert CONTAINER_HEADER not in gladly_client.post("/lookup", SEARCH).headers


def test_what_one_worker_read_the_next_finds_in_the_shared_cache_a_returning_shopper_costs_three_calls(
    client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given Martha's profile opened in one worker
    first = client.post("/lookup", DETAILED)
    bc_sandbox.requests.clear()
    # When it is opened in the other worker, then in the first again
    answers = [client.post("/lookup", DETAILED) for _ in range(CONTAINERS)]
    assert [answer.status_code for answer in [first, *answers]] == [200] * (CONTAINERS + 1)
    assert len({pid_of(answer) for answer in [first, *answers]}) == CONTAINERS
    # Then each cost only the calls that find her (customer, orders, guest orders), in either worker:
    # shipments, catalog images, group names, store information and the store's storefronts came from
    # the cache they share
    paths = sorted(record.api_path for record in bc_sandbox.requests.snapshot())
    assert paths == sorted(["/v3/customers", "/v2/orders", "/v2/orders"] * CONTAINERS)
    # and each showed the same profile as the first
    assert all(answer.json() == first.json() for answer in answers)


def test_a_new_shipment_and_a_status_change_show_in_the_next_lookup_in_every_worker(
    client: GladlyClient, bc_sandbox: SandboxServer, bc_http: SandboxHttp
) -> None:
    # Given Martha's profile opened in each worker (the partly shipped order's shipments shared)
    order = seed.PARTIALLY_SHIPPED_ORDER_ID
    before = [client.post("/lookup", DETAILED).json() for _ in range(CONTAINERS)]
    assert tracking_of(before[0], order) == tracking_of(before[1], order) != []
    # When the rest of that order ships, under a new tracking number, and it is then marked completed
    shipped = {
        line["order_product_id"]
        for s in data(bc_http.get(f"/v2/orders/{order}/shipments"))
        for line in s["items"]
    }
    (rest,) = [
        line for line in data(bc_http.get(f"/v2/orders/{order}/products")) if line["id"] not in shipped
    ]
    body = {
        "order_address_id": rest["order_address_id"],
        "tracking_number": "1ZFRESH0000000001",
        "items": [{"order_product_id": rest["id"], "quantity": rest["quantity"]}],
    }
    assert bc_http.post(f"/v2/orders/{order}/shipments", json=body).status_code == 201
    assert bc_http.put(f"/v2/orders/{order}", json={"status_id": 10}).status_code == 200
    # Then the very next lookup in each worker shows the new tracking number and the new status
    after = [client.post("/lookup", DETAILED) for _ in range(CONTAINERS)]
    assert len({pid_of(answer) for answer in after}) == CONTAINERS
    for answer in after:
        assert "1ZFRESH0000000001" in tracking_of(answer.json(), order)
        assert transaction_of(answer.json(), order)["orderStatus"] == "Completed"


def transaction_of(answer: dict[str, Any], order_id: int) -> dict[str, Any]:
    (profile,) = answer["results"]
    (transaction,) = [t for t in profile["transactions"] if t["orderNumber"] == str(order_id)]
    return transaction


def tracking_of(answer: dict[str, Any], order_id: int) -> list[str]:
    fulfillments = transaction_of(answer, order_id).get("fulfillments") or []
    return sorted(f["trackingNumber"] for f in fulfillments if f.get("trackingNumber"))


def data(response: requests.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def test_dynamodb_is_shared_a_resubmit_through_another_worker_replays_the_stored_answer(
    client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given a discount form, submitted once
    form = open_action_form(client, "discount", {"customer": MARTHA})
    first = submit(client, form, TEN_PERCENT)
    # When the same submit is sent again: the next worker in turn answers it
    second = submit(client, form, TEN_PERCENT)
    # Then that other worker found the first one's record in DynamoDB and answered the same,
    # without making a second code
    assert pid_of(first) != pid_of(second)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert len(bc_sandbox.requests.find("POST", PROMOTIONS_PATH)) == 1
    assert len(bc_sandbox.requests.find("POST", CODES_PATH)) == 1


def test_a_worker_that_dies_is_said_and_replaced(
    client: GladlyClient, fleet_gateway: LocalGateway, capfd: pytest.CaptureFixture[str]
) -> None:
    # Given the lookup workers, one of which is killed
    pids = {pid_of(client.post("/lookup", SEARCH)) for _ in range(CONTAINERS)}
    killed = min(pids)
    os.kill(killed, signal.SIGKILL)
    # Then the gateway says so, in one line, and starts another worker in its place
    wait_until(said(capfd, f"(pid {killed}) was killed by SIGKILL; started pid "), "the report")
    # And every search is answered again, by the survivor and the new worker in turn
    answers = [client.post("/lookup", SEARCH) for _ in range(2 * CONTAINERS)]
    assert [answer.status_code for answer in answers] == [200] * (2 * CONTAINERS)
    now = {pid_of(answer) for answer in answers}
    assert len(now) == CONTAINERS and killed not in now and (pids - {killed}) <= now


def test_an_invocation_whose_worker_dies_is_answered_502_at_once(
    fleet_gateway: LocalGateway,
    bc_sandbox: SandboxServer,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a search whose customer call BigCommerce answers only after a long while, and a gateway
    # that would wait longer than the client (30 s) for a worker that is merely slow
    fault = bc_sandbox.faults.add(r"^/v3/customers$", "slow", times=1, seconds=WAIT_SECONDS * 2)
    monkeypatch.setattr(fleet, "answer_wait", lambda spec: WAIT_SECONDS * 4)
    client = GladlyClient(fleet_gateway.url, DEFAULT_SIGNING_KEY)
    answers: list[requests.Response] = []
    waiting = threading.Thread(target=lambda: answers.append(client.post("/lookup", SEARCH)))
    waiting.start()
    # When the worker running it is killed while it waits for BigCommerce
    wait_until(lambda: fault.hits == 1, "the search to reach the sandbox")
    running = [pid for pid in fleet_gateway.fleet_pids() if "LookupFunction" in command_line(pid)]
    for pid in running:
        os.kill(pid, signal.SIGSTOP)  # frozen first: which of them runs it does not matter
    for pid in running:
        os.kill(pid, signal.SIGKILL)
    waiting.join(WAIT_SECONDS)
    # Then the search is answered 502 as API Gateway answers a failed invocation, before the client
    # gave up (it would have raised), and the gateway said which worker ended
    assert [answer.status_code for answer in answers] == [502]
    assert answers[0].json() == {"message": "Internal server error"}
    wait_until(
        lambda: "ended during the invocation (LookupFunction container" in capfd.readouterr().err, "the line"
    )


def test_a_worker_that_does_not_answer_in_time_is_ended_and_replaced(
    fleet_gateway: LocalGateway, bc_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given both lookup workers stopped (they no longer run), and a short wait for their answers
    client = GladlyClient(fleet_gateway.url, DEFAULT_SIGNING_KEY)
    stopped = {pid_of(client.post("/lookup", SEARCH)) for _ in range(CONTAINERS)}
    monkeypatch.setattr(fleet, "answer_wait", lambda spec: 1.0)
    for pid in stopped:
        os.kill(pid, signal.SIGSTOP)
    # When a search is sent
    answer = client.post("/lookup", SEARCH)
    monkeypatch.undo()
    for pid in stopped:
        with suppress(ProcessLookupError):  # the one the search went to is killed already
            os.kill(pid, signal.SIGCONT)
    # Then it is answered 502 as a timed-out invocation is, and the worker it went to is ended and
    # replaced (the other, running again, is kept)
    assert answer.status_code == 502
    wait_until(lambda: len(stopped & set(fleet_gateway.fleet_pids())) == 1, "the stuck worker's replacement")
    assert [client.post("/lookup", SEARCH).status_code for _ in range(CONTAINERS)] == [200] * CONTAINERS


def test_a_handler_that_cannot_be_imported_stops_the_fleets_start_naming_its_function(
    tmp_path: Path, local_aws: LocalResources, bc_sandbox_server: SandboxServer
) -> None:
    # Given a deployment whose refund function fails at import (the others answer, trivially)
    template = tmp_path / DEFAULT_TEMPLATE_PATH.name
    shutil.copyfile(DEFAULT_TEMPLATE_PATH, template)
    for spec in SamTemplate(DEFAULT_TEMPLATE_PATH).functions():
        code = tmp_path / spec.code_uri.relative_to(DEFAULT_TEMPLATE_PATH.parent)
        code.mkdir(parents=True)
        broken = spec.logical_id == "RefundFunction"
        (code / "app.py").write_text(BROKEN_HANDLER if broken else TRIVIAL_HANDLER)
    gateway = LocalGateway(
        template,
        parameters=local_parameters(sandbox_store(bc_sandbox_server.url)),
        references=local_aws.references(),
        access_log=False,
        containers=CONTAINERS,
    )
    # When its fleet starts
    with pytest.raises(FleetError) as refused:
        gateway.start()
    # Then the start ends with one line naming the function and why, and no worker is left
    assert str(refused.value) == (
        "RefundFunction container 1/2 could not start: importing its handler failed: "
        "RuntimeError: a broken deployment"
    )
    left = [pid for pid in _children(os.getpid()) if str(tmp_path) in command_line(pid)]
    assert not [pid for pid in left if _alive(pid)]


BROKEN_HANDLER = "raise RuntimeError('a broken deployment')\n"
TRIVIAL_HANDLER = "def lambda_handler(event, context):\n    return {'statusCode': 200, 'body': ''}\n"


# --- make run --------------------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "status").read_text().split("PPid:", 1)[1].split()[0]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_make_run_with_containers_runs_workers_and_ctrl_c_stops_them_all_without_a_traceback(
    tmp_path: Path,
) -> None:
    with make_run(tmp_path, CONTAINERS=str(CONTAINERS)) as stack:
        banner = stack.log.read_text()
        assert f"  Containers     {CONTAINERS} worker processes per function" in banner
        assert f"CONTAINERS={CONTAINERS} (default 1)" in banner
        # Its Python process (make's child) runs two workers for each function of template.yaml
        (python,) = _children(stack.process.pid)
        workers = [pid for pid in _children(python) if "devtools.fleet_worker" in command_line(pid)]
        assert len(workers) == len(SamTemplate(DEFAULT_TEMPLATE_PATH).functions()) * CONTAINERS
        answer = GladlyClient(stack.stage_url, DEFAULT_SIGNING_KEY).post("/lookup", SEARCH)
        assert answer.status_code == 200 and pid_of(answer) in workers
        # whose log lines reach make run's output, as the handlers' do without a fleet
        wait_until(lambda: '"message":"Lookup answered"' in stack.log.read_text(), "the worker's log line")
        # When Ctrl-C is pressed (the terminal signals the foreground process group: make and Python)
        os.killpg(stack.process.pid, signal.SIGINT)
        deadline = time.monotonic() + STOP_SECONDS
        while (_group_alive(stack.process.pid) or any(map(_alive, workers))) and time.monotonic() < deadline:
            time.sleep(0.05)
        log = stack.log.read_text(errors="replace")
        # Then make run and every worker are gone, and nothing printed a traceback
        assert not _group_alive(stack.process.pid), log
        assert not any(map(_alive, workers)), log
        assert "Stopping." in log and "Traceback" not in log, log


@pytest.mark.parametrize("value", ["0", "abc"])
def test_a_containers_value_that_is_no_number_of_containers_ends_make_run_with_one_line(value: str) -> None:
    result = _make_run_until_it_ends({"CONTAINERS": value, "GATEWAY_PORT": "0", "SANDBOX_PORT": "0"})
    assert result.returncode != 0
    (line,) = _own_lines(result)
    assert line == (
        f"CONTAINERS={value} is not a number of containers: give a whole number from 1 to 16 (worker "
        "processes per function; 1, the default, runs them in make run's process)."
    )
