"""The coverage heat map: one cell per zone and day with its fill state, symbol, count and link; weekday
labels; the legend; the fill-rate and no-show chart; a query count that does not grow with teams or shifts."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.core.models import Neighborhood
from apps.scheduling.models import Assignment, PositionRole
from apps.scheduling.selectors import CoverageCell
from tests.factories.scheduling import TeamFactory, make_shift, place
from tests.scheduling.conftest import local

pytestmark = pytest.mark.django_db

CELL = re.compile(r'<td class="cov ([^"]*)">(.*?)</td>', re.S)
HEADER = re.compile(r'<th scope="col" class="(cov-day[^"]*)"[^>]*><span class="cov-wd">(\w+)</span> '
                    r'<span class="cov-dn">(\d+)</span>')


@pytest.fixture
def zone():
    return Neighborhood.objects.get(name="Roxbury")


def _url(team, month="2026-03") -> str:
    return reverse("scheduling:coverage") + f"?team={team.pk}&month={month}"


def _cells(html: str) -> list[tuple[str, str]]:
    """(classes, inner HTML) of the first zone's cells, one per day of the month."""
    return CELL.findall(html)


def _text(inner: str) -> str:
    return re.sub(r"<[^>]+>", "", inner)


def _count(client, url) -> tuple[int, object]:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.parametrize(("shifts", "filled", "required", "state", "step"), [
    (0, 0, 0, "none", 0), (1, 0, 2, "empty", 0), (1, 1, 4, "partial", 1), (1, 2, 4, "partial", 2),
    (1, 3, 4, "partial", 3), (1, 4, 4, "full", 4), (2, 3, 3, "full", 4)])
def test_coverage_cell_state_and_shading_step(shifts, filled, required, state, step):
    cell = CoverageCell(shifts=[object()] * shifts, required=required, filled=filled)
    assert (cell.state, cell.step) == (state, step)


def test_coverage_cells_show_each_fill_state_with_symbol_count_and_words(client, team, coordinator, responder,
                                                                          peer, zone):
    full = make_shift(team=team, starts_at=local(2026, 3, 4, 10), zones=[zone])
    place(shift=full, responder=responder, role=PositionRole.LEAD)
    place(shift=full, responder=peer)
    partial = make_shift(team=team, starts_at=local(2026, 3, 5, 10), zones=[zone],
                         positions=((PositionRole.RESPONDER, 4),))
    for person in (responder, peer, coordinator):
        Assignment.objects.create(position=partial.positions.get(), shift=partial, responder=person,
                                  starts_at=partial.starts_at, ends_at=partial.ends_at)
    make_shift(team=team, starts_at=local(2026, 3, 6, 10), zones=[zone])
    client.force_login(coordinator)
    cells = _cells(client.get(_url(team)).content.decode())
    assert len(cells) == 31
    classes = {day: cells[day - 1][0] for day in (4, 5, 6, 7)}
    assert classes == {4: "cov-full cov-step-4", 5: "cov-partial cov-step-3", 6: "cov-empty cov-step-0",
                       7: "cov-none cov-step-0 cov-weekend"}
    texts = {day: _text(cells[day - 1][1]) for day in (4, 5, 6, 7)}
    assert texts == {4: "✓2/22 of 2 places filled, Wed 4 March", 5: "◐3/43 of 4 places filled, Thu 5 March",
                     6: "✗0/20 of 2 places filled, Fri 6 March", 7: "—No shift"}


def test_coverage_cells_link_to_the_one_shift_or_to_the_week(client, team, coordinator, zone):
    single = make_shift(team=team, starts_at=local(2026, 3, 4, 10), zones=[zone])
    make_shift(team=team, starts_at=local(2026, 3, 12, 8), zones=[zone])
    make_shift(team=team, starts_at=local(2026, 3, 12, 16), zones=[zone])
    client.force_login(coordinator)
    cells = _cells(client.get(_url(team)).content.decode())
    links = {day: re.findall(r'<a href="([^"]+)"', inner) for day, (_, inner) in enumerate(cells, start=1)}
    assert links[4] == [reverse("scheduling:shift-detail", args=[single.pk])]
    assert links[12] == [reverse("scheduling:schedule") + f"?team={team.pk}&amp;week=2026-03-12"]
    assert [day for day, found in links.items() if found] == [4, 12]


def test_coverage_days_are_labelled_with_weekdays_weekends_and_today(client, team, coordinator, zone):
    make_shift(team=team, starts_at=local(2026, 3, 4, 10), zones=[zone])
    client.force_login(coordinator)
    html = client.get(_url(team)).content.decode()
    headers = HEADER.findall(html)
    assert [f"{wd} {d}" for _, wd, d in headers[:8]] == ["Sun 1", "Mon 2", "Tue 3", "Wed 4", "Thu 5", "Fri 6",
                                                         "Sat 7", "Sun 8"]
    assert len(headers) == 31
    assert [int(d) for cls, _, d in headers if "cov-weekend" in cls] == [1, 7, 8, 14, 15, 21, 22, 28, 29]
    assert [int(d) for cls, _, d in headers if "cov-past" in cls] == [1]  # the clock is Monday 2 March
    assert [int(d) for cls, _, d in headers if "cov-today" in cls] == [2]
    assert html.count('aria-current="date"') == 1
    assert 'role="region" tabindex="0" aria-labelledby="coverage-map-title"' in html


def test_coverage_legend_explains_every_state(client, team, coordinator, zone):
    make_shift(team=team, starts_at=local(2026, 3, 4, 10), zones=[zone])
    client.force_login(coordinator)
    html = client.get(_url(team)).content.decode()
    legend = re.search(r'<ul class="coverage-legend".*?</ul>', html, re.S).group(0)
    keys = re.findall(r'<span class="cov-key ([^"]+)" aria-hidden="true">([^<]*)</span> ([^<]+)</li>', legend)
    assert [(cls, symbol) for cls, symbol, _ in keys] == [
        ("cov-full", "✓"), ("cov-partial cov-step-2", "◐"), ("cov-empty", "✗"), ("cov-none", "—"),
        ("cov-key-today", "")]
    assert keys[1][2] == "Partly filled, e.g. 3/4 (the deeper the amber, the more places open)"


def test_coverage_chart_and_its_figures_by_day_in_a_past_month(client, team, coordinator, responder, peer, zone):
    """February has ended: one place worked and one no-show give a day half filled with a 50% no-show rate."""
    shift = make_shift(team=team, starts_at=local(2026, 2, 10, 10), zones=[zone])
    place(shift=shift, responder=responder, status=Assignment.Status.COMPLETED)
    place(shift=shift, responder=peer, role=PositionRole.LEAD, status=Assignment.Status.NO_SHOW)
    client.force_login(coordinator)
    response = client.get(_url(team, "2026-02"))
    html = response.content.decode()
    data = response.context["data"]
    assert [(t.day.day, t.filled, t.required, t.no_shows, t.fill_rate, t.no_show_rate)
            for t in data.totals if t.required] == [(10, 1, 2, 1, 0.5, 0.5)]
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert "<title>Fill rate and no-shows by day, %</title>" in html
    figures = re.search(r'<details class="coverage-days">.*?</details>', html, re.S).group(0)
    assert re.findall(r"<tr><th scope=\"row\">([^<]+)</th><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td></tr>",
                      figures) == [("Tue 10", "1/2", "50%", "1")]
    assert "No-shows: <strong>1</strong> (50% of finished places)" in html
    assert _cells(html)[9][0] == "cov-partial cov-step-2"


def test_coverage_month_without_shifts_has_no_chart(client, team, coordinator):
    client.force_login(coordinator)
    response = client.get(_url(team))
    assert response.context["chart"] is None
    assert "No shifts this month." in response.content.decode()


def test_coverage_query_count_does_not_grow_with_teams_zones_or_shifts(client, org, team, coordinator, responder,
                                                                      zone):
    place(shift=make_shift(team=team, starts_at=local(2026, 3, 4, 10), zones=[zone]), responder=responder)
    client.force_login(coordinator)
    one, _ = _count(client, _url(team))
    others = [TeamFactory(organization=org, name=f"Night {n}") for n in range(3)]
    zones = list(Neighborhood.objects.exclude(pk=zone.pk)[:3])
    for n, day in enumerate(range(1, 29, 3)):
        for hour in (1, 19):  # beside the 10:00–18:00 shift of the 4th: one responder, no overlap
            place(shift=make_shift(team=team, starts_at=local(2026, 3, day, hour), hours=4,
                                   zones=[zones[n % 3], zone]),
                  responder=responder)
        make_shift(team=others[n % 3], starts_at=local(2026, 3, day, 10), zones=zones)
    many, response = _count(client, _url(team))
    assert one == many
    assert len(response.context["rows"]) == 4
    assert len(response.context["teams"]) == 4


def test_coverage_of_another_organizations_team_is_not_shown(client, team, other_team, coordinator, outsider,
                                                            zone):
    make_shift(team=team, starts_at=local(2026, 3, 4, 10), zones=[zone])
    client.force_login(outsider)
    response = client.get(_url(team))
    assert response.context["team"] == other_team  # the unknown team id falls back to their own
    assert response.context["rows"] == []
    client.force_login(coordinator)
    assert [z for z, _ in client.get(_url(team)).context["rows"]] == [zone]
