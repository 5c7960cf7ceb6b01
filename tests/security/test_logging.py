import json
import logging
import sys

from django.conf import settings
from django.test import RequestFactory

from riskreg.logging import JsonFormatter


def _record(**extra):
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/x/",), None)
    record.__dict__.update(extra)
    return record


def test_a_record_is_one_json_line_with_time_level_logger_and_message():
    line = JsonFormatter().format(_record())

    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "django.request"
    assert entry["message"] == "Not Found: /x/"
    assert entry["time"].endswith("+00:00")


def test_the_request_path_and_status_are_added_when_django_attaches_them():
    request = RequestFactory().get("/commitments/7/?q=1")

    entry = json.loads(JsonFormatter().format(_record(request=request, status_code=404)))

    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/commitments/7/", 404)


def test_a_traceback_stays_on_the_one_line():
    try:
        raise ValueError("boom")
    except ValueError:
        record = _record(exc_info=sys.exc_info())

    line = JsonFormatter().format(record)

    assert "\n" not in line
    assert "ValueError: boom" in json.loads(line)["exception"]


def test_django_servers_socket_request_is_not_mistaken_for_a_request():
    entry = json.loads(JsonFormatter().format(_record(request=object(), status_code=200)))

    assert "path" not in entry
    assert entry["status"] == 200


def test_logs_go_to_standard_output_as_json_unless_debugging():
    handler = settings.LOGGING["handlers"]["console"]

    assert handler["stream"] == "ext://sys.stdout"
    assert handler["formatter"] == "json"
