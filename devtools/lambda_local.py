"""A Lambda function's handler as the local tools run it: imported from its file, called with a context
like Lambda's (its memory, its Timeout), what it gave told apart from how it failed.

Used by the local gateway (devtools/gateway.py), which calls the handlers in its own process, and by
the workers of a `CONTAINERS=N make run` fleet (devtools/fleet_worker.py), each a container of one
function in a process of its own.
"""

from __future__ import annotations

import importlib.util
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from devtools.template import LOCAL_ACCOUNT_ID, LOCAL_REGION, FunctionSpec, TemplateError

LambdaHandler = Callable[[dict[str, Any], Any], Any]


@dataclass
class LocalLambdaContext:
    """The attributes of Lambda's context object that handlers and Powertools read."""

    function_name: str
    memory_limit_in_mb: int
    timeout_seconds: int
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    started_at: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{LOCAL_REGION}:{LOCAL_ACCOUNT_ID}:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return f"local/[$LATEST]{self.aws_request_id.replace('-', '')}"

    def get_remaining_time_in_millis(self) -> int:
        elapsed = time.monotonic() - self.started_at
        return max(0, int((self.timeout_seconds - elapsed) * 1000))


@dataclass(frozen=True)
class Invocation:
    """What one invocation of a function gave: the handler's return value, or why it failed (the end
    of the gateway's log line for its 502), and in a fleet which worker ran it (`2/4 pid 12345`)."""

    result: Any = None
    failure: str | None = None
    container: str | None = None


def run_handler(handler: LambdaHandler, spec: FunctionSpec, event: dict[str, Any]) -> Invocation:
    """Call a handler as Lambda does, with a context of the function's memory and Timeout."""
    context = LocalLambdaContext(
        function_name=f"local-{spec.logical_id}",
        memory_limit_in_mb=spec.memory_mb,
        timeout_seconds=spec.timeout_seconds,
    )
    try:
        result = handler(event, context)
    except Exception:
        traceback.print_exc()
        return Invocation(failure="raised an exception (traceback above)")
    if context.get_remaining_time_in_millis() <= 0:
        return Invocation(failure=f"ran past its {spec.timeout_seconds} s Timeout")
    return Invocation(result)


def load_handler(spec: FunctionSpec) -> LambdaHandler:
    """Import a function's handler module from its file, under a name no other function shares."""
    module_file = spec.module_file
    if not module_file.is_file():
        raise TemplateError(f"{spec.logical_id}: handler file {module_file} does not exist")
    module_spec = importlib.util.spec_from_file_location(f"local_lambda_{spec.logical_id}", module_file)
    if module_spec is None or module_spec.loader is None:
        raise TemplateError(f"{spec.logical_id}: cannot import {module_file}")
    module: ModuleType = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    handler = getattr(module, spec.handler_name, None)
    if not callable(handler):
        raise TemplateError(f"{spec.logical_id}: {module_file} has no function {spec.handler_name}")
    return handler
