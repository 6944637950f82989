import pytest
from django.test import override_settings

from tests.conftest import redis_url

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_healthz_reports_each_component_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "broker": "ok", "cache": "ok"}
    assert body["down"] == []


def test_healthz_names_the_broker_when_it_is_down(client):
    with override_settings(CELERY_BROKER_URL=DEAD_REDIS, CELERY_BROKER_TRANSPORT_OPTIONS={}):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["down"] == ["broker"]
    assert body["checks"]["broker"].startswith("down: ")
    assert body["checks"]["database"] == "ok"


def _redis_cache(location: str) -> dict:
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}}


def test_healthz_names_the_cache_when_it_is_down(client):
    # override_settings(CACHES=...) makes Django rebuild its cache handler (test signal).
    with override_settings(CACHES=_redis_cache(DEAD_REDIS)):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["cache"]


@pytest.mark.redis
def test_healthz_is_ok_against_a_real_redis_broker_and_cache(client):
    with override_settings(CELERY_BROKER_URL=redis_url(), CELERY_BROKER_TRANSPORT_OPTIONS={},
                           CACHES=_redis_cache(redis_url())):
        response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"] == {"database": "ok", "broker": "ok", "cache": "ok"}
