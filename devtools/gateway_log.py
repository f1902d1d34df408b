"""The local gateway's access log (`make run`): one line per request, query values masked.

Action URLs carry a customer id, which for a guest shopper is their email, and a one-time form token:
neither may reach a log in clear (`mask_query_values`). Tests use the quiet handler: no line at all.
"""

from __future__ import annotations

import re
from typing import Any

from werkzeug.serving import WSGIRequestHandler

# The query string of a URL the access log prints: up to the next space or quote.
_QUERY = re.compile(r"\?(?P<query>[^\s\"']*)")
_PARAMETER_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


def mask_query_values(text: str) -> str:
    """`text` with every query parameter's value masked, but an order number's.

    Action URLs carry a customer id, which for a guest shopper is their email (`customer=guest:<email>`),
    and a one-time form token: neither may reach a log in clear. An order number is no secret and is
    what one looks for in an access log. A part that is not `name=value` with a plain name is masked
    whole.
    """

    def mask_part(part: str) -> str:
        name, equals, value = part.partition("=")
        if not equals or not _PARAMETER_NAME.match(name):
            return "***"
        return f"{name}={value if name == 'orderId' and value.isdigit() else '***'}"

    def mask(found: re.Match[str]) -> str:
        query = found["query"]
        return "?" + "&".join(mask_part(part) for part in query.split("&")) if query else "?"

    return _QUERY.sub(mask, text)


class MaskingRequestHandler(WSGIRequestHandler):
    """werkzeug's access log, one line per request, with query values masked (`mask_query_values`).

    Whatever the web server logs, a line is written and nothing raises: `http.server` logs a malformed
    request's error as `log_error("code %d, message %s", 400, "Bad request version ('...')")`, so the
    line is formatted first, with the arguments as they are, and the finished line is masked.
    """

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        target = mask_query_values(getattr(self, "path", "") or "-")
        self.log("info", '"%s %s %s" %s %s', self.command, target, self.request_version, code, size)

    def log_error(self, format: str, *args: Any) -> None:
        """A malformed request's error line quotes its request line: masked too."""
        self.log("error", "%s", mask_query_values(formatted_log_line(format, args)))


def formatted_log_line(format: str, args: tuple[Any, ...]) -> str:
    """`format % args` as `logging` would write it; when they do not fit each other (a caller's mistake,
    or a format string holding `%` of its own), the format and the arguments side by side."""
    try:
        return str(format) % args if args else str(format)
    except (TypeError, ValueError, KeyError):
        return " ".join([str(format), *(repr(arg) for arg in args)])


class QuietRequestHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """No access log line per request (tests)."""
