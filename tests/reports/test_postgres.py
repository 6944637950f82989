"""Two workers handed the same report at once (a redelivery while the first still runs): the
conditional UPDATE lets exactly one of them render it."""

import threading

import pytest
from django.db import connection

from apps.accounts.roles import Role
from apps.reports import services
from apps.reports.models import ReportRequest
from tests.factories import OrganizationFactory, user_with_role

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_deliveries_render_once(monkeypatch):
    harbor = OrganizationFactory(name="Harbor Peer Outreach", slug="harbor")
    responder = user_with_role(Role.RESPONDER, harbor, email="ray@harbor.example")
    report = services.report_request(by=responder, kind="training_transcript",
                                      parameters={"responder": responder.pk}, enqueue=False)
    renders, real = [], services.render_pdf
    barrier = threading.Barrier(2)

    def spy(html, **kwargs):
        renders.append(threading.get_ident())
        return real(html, **kwargs)

    monkeypatch.setattr(services, "render_pdf", spy)
    results = []

    def worker():
        try:
            barrier.wait()
            results.append(services.report_run(report_id=report.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(renders) == 1
    assert sorted(r is None for r in results) == [False, True]
    report.refresh_from_db()
    assert (report.status, report.attempts) == (ReportRequest.Status.SUCCEEDED, 1)
