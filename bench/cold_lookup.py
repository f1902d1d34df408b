"""A cold start in a process of its own: import a handler, answer ONE event, print the answer.

Run by `bench.lookup_bench` with the function's environment and `PYTHONPATH` (the function's directory
and the shared package), the signed event as JSON on stdin. Imports nothing of the devtools: only
what Lambda's runtime would import (the handler module), so the time from the interpreter's start to
the printed answer is the cold path Gladly waits for.
"""

from __future__ import annotations

import cProfile
import importlib
import json
import os
import pstats
import sys
import time
import uuid


class Context:
    """The attributes of Lambda's context object the handler and Powertools read."""

    function_name = "bench-cold-LookupFunction"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench-cold-LookupFunction"
    log_group_name = "/aws/lambda/bench-cold-LookupFunction"
    log_stream_name = "bench/[$LATEST]cold"

    def __init__(self) -> None:
        self.aws_request_id = str(uuid.uuid4())

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def main() -> None:
    event = json.loads(sys.stdin.read())
    started = time.perf_counter()
    handler = importlib.import_module("app").lambda_handler
    imported = time.perf_counter()
    if os.environ.get("BENCH_COLD_PROFILE"):  # where the first answer's time goes, on stderr
        profiler = cProfile.Profile()
        answer = profiler.runcall(handler, event, Context())
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
    else:
        answer = handler(event, Context())
    answered = time.perf_counter()
    phases = {"import_s": imported - started, "handler_s": answered - imported}
    # The handler's own log lines went to stdout before this one: the answer is the last line.
    line = {"statusCode": answer["statusCode"], "body": answer["body"], **phases}
    sys.stdout.write("\n" + json.dumps(line) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
