"""Logs as JSON lines on standard output, for whatever collects the platform's logs.

One object per record: time, level, logger, message; the request's method and path and
the response's status when Django's loggers attach them (django.request, django.server,
riskreg.middleware); the traceback as one string when there is one.
"""

import json
import logging
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        # django.server attaches the socket as "request"; only an HttpRequest has a path.
        request = getattr(record, "request", None)
        if hasattr(request, "path"):
            entry["method"] = request.method
            entry["path"] = request.path
        if hasattr(record, "status_code"):
            entry["status"] = record.status_code
        if getattr(record, "database_unreachable", False):
            entry["database_unreachable"] = True
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        # default=str: a record's values are for reading, never a reason to lose the line.
        return json.dumps(entry, default=str)


class DatabaseOutageFilter(logging.Filter):
    """Keep the one line, drop the traceback, when the database is unreachable.

    During an outage every request fails the same way in the session middleware; a
    traceback per request (over a thousand in ten seconds) would bury everything else.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        from django.db.utils import InterfaceError, OperationalError

        if record.exc_info and isinstance(record.exc_info[1], OperationalError | InterfaceError):
            record.exc_info, record.exc_text = None, None
            record.database_unreachable = True
        return True
