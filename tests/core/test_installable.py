"""Installable on a phone's home screen: the manifest, the service worker and the offline page."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_manifest_names_the_app_its_start_and_icons_that_exist(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    body = json.loads(response.content)
    assert (body["short_name"], body["start_url"], body["scope"], body["display"]) == ("crisisprog", "/", "/",
                                                                                      "standalone")
    assert {(i["sizes"], i.get("purpose", "any")) for i in body["icons"]} == {
        ("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for icon in body["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")), icon["src"]


def test_manifest_speaks_the_visitors_language(client):
    client.cookies["django_language"] = "es"
    body = json.loads(client.get("/manifest.webmanifest").content)
    assert body["lang"] == "es"
    assert body["description"].startswith("Turnos")


def test_every_page_links_the_manifest_and_registers_the_worker(client):
    client.force_login(UserFactory())
    for url in ("/", "/sessions/"):
        html = client.get(url).content.decode()
        assert '<link rel="manifest" href="/manifest.webmanifest">' in html
        assert re.search(r'<script src="/static/js/install\.js" defer></script>', html)


def test_service_worker_is_served_from_the_root_uncached_and_precaches_only_the_offline_page(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert "no-cache" in response["Cache-Control"]
    script = response.content.decode()
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", script).group(1))
    assert precache == [reverse("offline"), "/static/vendor/uswds/css/uswds.min.css", "/static/css/app.css",
                        "/static/favicon.svg"]
    assert 'const OFFLINE_URL = "/offline/";' in script


def test_offline_page_is_public_says_so_and_holds_nothing_personal(client):
    user = UserFactory(full_name="Riley Santos")
    client.force_login(user)
    response = client.get(reverse("offline"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>You are offline</h1>" in html
    assert "call or text 988" in html
    assert "Riley" not in html and "Sign out" not in html
