"""RISKREG_CACHE_URL: every server process counts the open data's rate limit in one
Redis, so a cluster lets an address make the limit, not the limit times its processes."""

import os
import socket

import pytest
from django.core.cache import cache
from django.test import Client

from commitments.models import ReportingPeriod
from performance.services import release_publish
from tests.commands import run_manage

REDIS = "redis://127.0.0.1:6379/15"  # a database of its own, emptied by each test
ADDRESS = "198.51.100.23"


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def shared_cache(settings):
    if not redis_answers():
        if os.environ.get("CI") == "true":
            pytest.fail("Redis does not answer on 127.0.0.1:6379: .ci/run starts it")
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS}}
    settings.RISKREG_PUBLIC_RATE_LIMIT = 3
    cache.clear()
    yield
    cache.clear()


def another_server_process_asks() -> str:
    """The answer another server process, with the same settings, gives the same address."""
    code = (
        "from django.test import RequestFactory; from riskreg.throttling import over_rate_limit; "
        f"print(over_rate_limit(RequestFactory(REMOTE_ADDR='{ADDRESS}').get('/api/v1/quarters'), 'open-data'))"
    )
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        env_overrides={"DJANGO_DEBUG": "true", "RISKREG_CACHE_URL": REDIS, "RISKREG_PUBLIC_RATE_LIMIT": "3"},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.django_db
def test_two_server_processes_count_one_limit_for_an_address(demo, shared_cache):
    release_publish(period=ReportingPeriod.objects.get(financial_year=2025, quarter=2), by=None)
    client = Client(REMOTE_ADDR=ADDRESS)

    first_two = [client.get("/api/v1/quarters").status_code for _ in range(2)]
    third_elsewhere = another_server_process_asks()
    fourth = client.get("/api/v1/quarters").status_code

    assert first_two == [200, 200]
    assert third_elsewhere == "False"  # the third of three: allowed, and counted
    assert fourth == 429


def test_without_a_cache_address_each_process_keeps_its_own():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])",
        env_overrides={"DJANGO_DEBUG": "true"},
    )

    assert result.stdout.strip() == "django.core.cache.backends.locmem.LocMemCache"
