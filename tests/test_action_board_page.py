"""The page /actions: filters in the URL, sortable headers, counts, overdue badges, the
status select for those allowed, the chart and its table, the navigation link."""

from __future__ import annotations

import re

import pytest

from tests.action_board_support import SECRET, link_person, load
from tests.conftest import Browser


@pytest.fixture
def data(app) -> dict[str, int]:
    return load(app)


def page(browser: Browser, url: str = "/actions", status: int = 200) -> str:
    response = browser.client.get(url)
    assert response.status_code == status
    return response.get_data(as_text=True)


def rows(html: str) -> list[str]:
    return re.findall(r'<tr id="board-action-\d+".*?</tr>', html, re.S)


def test_list_links_counts_and_navigation(browser, data):
    html = page(browser)
    assert '<a href="/actions">Actions</a>' in html or 'href="/actions" aria-current' in html
    assert len(rows(html)) == 7 and "7 actions." in html
    demo = data["demo"]
    assert re.search(rf'href="/reunions/{demo}#action-\d+">Entretiens bilatéraux', html)
    assert f'href="/reunions/{demo}#ligne-8">Ligne 8</a>' in html
    assert '<a href="/actions?status=open">À faire</a> : <span class="count">5</span>' in html
    assert re.search(r'<a href="/actions\?owner=\d+">Mathieu SLOSAR \(ANS\)</a>', html)
    assert 'href="/actions?mine=1">Mes actions</a>' in html
    assert 'href="/actions.csv"' in html and 'href="/actions.xlsx"' in html


def test_filters_stay_in_the_url_and_the_form(browser, data):
    html = page(
        browser, "/actions?series=GT+Annuaire&status=done&status=in_progress&sort=owner&order=desc"
    )
    assert len(rows(html)) == 2
    assert "<option selected>GT Annuaire</option>" in html
    assert 'value="done" checked' in html and 'value="in_progress" checked' in html
    assert '<input type="hidden" name="sort" value="owner">' in html
    # exports and sort links keep the filters
    assert (
        'href="/actions.csv?series=GT+Annuaire&amp;status=done&amp;status=in_progress'
        '&amp;sort=owner&amp;order=desc"' in html
    )


def test_sortable_headers(browser, data):
    html = page(browser, "/actions?sort=owner")
    assert re.search(
        r'<th scope="col" aria-sort="ascending"><a href="/actions\?sort=owner'
        r'&amp;order=desc"[^>]*>Porteur',
        html,
    )
    assert '<th scope="col"><a href="/actions?sort=due_date"' not in html
    assert html.count("aria-sort=") == 1
    desc = page(browser, "/actions?sort=owner&order=desc")
    assert 'aria-sort="descending"' in desc


def test_overdue_rows_have_a_badge(browser, data):
    # Every due date of the data is in 2022: overdue unless closed.
    found = rows(page(browser))
    late = [r for r in found if 'class="overdue"' in r]
    assert len(late) == 5
    assert all('<span class="badge badge-overdue">En retard</span>' in r for r in late)
    done = next(r for r in found if "Publier le guide" in r)
    assert 'class="badge badge-overdue" hidden' in done


def test_status_select_only_for_those_allowed(app, client, data):
    admin = page(Browser(app.test_client()).login("admin"))
    assert admin.count('class="board-status"') == 7
    assert re.search(
        r'<label class="visually-hidden" for="status-(\d+)">Statut de l\'action '
        r'« Publier le guide »</label>\s*<select id="status-\1"',
        admin,
    )
    link_person(app, "member", "DUPONT")
    member = page(Browser(client).login("member"))
    # their own action, and the one of their person's organisation (LIFEN)
    assert member.count('class="board-status"') == 2
    assert "Statut de l'action « Publier le guide »" in member
    assert SECRET not in member and len(rows(member)) == 6


def test_unknown_series_is_a_message_not_an_error(browser, data):
    html = page(browser, "/actions?series=Inconnue")
    assert "Série inconnue : « Inconnue »." in html
    assert "Aucune action ne correspond à ces filtres." in html


def test_bad_parameters_400_with_the_field(browser, data):
    html = page(browser, "/actions?status=fini&due_to=31%2F02%2F2022", status=400)
    assert "Statut (status) : valeur inconnue « fini »" in html
    assert "Échéance jusqu&#39;au (due_to) : Date invalide : attendu JJ/MM/AAAA" in html


def test_filter_dates_are_read_as_jj_mm_aaaa(browser, data):
    html = page(browser, "/actions?due_from=1%2F1%2F2022&due_to=2022-12-31")
    assert 'value="01/01/2022"' in html and 'value="31/12/2022"' in html
    assert 'type="date"' not in html


def test_chart_is_inline_svg_with_a_table(browser, data):
    html = page(browser, "/actions?chart=month")
    svg = re.search(r'<svg class="chart".*?</svg>', html, re.S).group()
    assert 'role="img"' in svg and svg.count("<polyline") == 3
    table = re.search(r'<table class="chart-data">.*?</table>', html, re.S).group()
    assert '<th scope="col">Mois</th>' in table
    # the last 26 months (the data is from 2022: still counted, as open or done)
    assert len(re.findall(r'<th scope="row">\d\d/\d{4}</th><td>6</td><td>1</td>', table)) == 26
    assert "<script>" not in html  # no inline script (CSP)


def test_paging(browser, data):
    html = page(browser, "/actions?per_page=3&page=2")
    assert len(rows(html)) == 3 and "4 à 6 affichées" in html
    assert 'href="/actions?per_page=3" rel="prev"' in html
    assert 'href="/actions?page=3&amp;per_page=3" rel="next"' in html


def test_login_required(client):
    assert client.get("/actions").status_code == 302
    assert client.get("/actions.csv").status_code == 302


def test_chart_shows_overdue_under_open_with_a_legend_and_real_ticks(browser, data):
    """Issue 15: « En retard » hidden under « Ouvertes », y-axis far above the maximum."""
    html = page(browser, "/actions?chart=month")
    svg = re.search(r'<svg class="chart".*?</svg>', html, re.S).group()
    table = re.search(r'<table class="chart-data">.*?</table>', html, re.S).group()
    figures = [int(n) for n in re.findall(r"<td>(\d+)</td>", table)]
    ticks = [int(t) for t in re.findall(r'<text class="tick"[^>]*text-anchor="end">(\d+)<', svg)]
    assert ticks[0] == 0 and max(figures) <= ticks[-1] < 2 * max(figures), (ticks, figures)
    area = svg.index('<polygon class="area area-overdue"')
    assert area < svg.index('class="series series-overdue"') < svg.index('series-open"')
    legend = re.search(r'<ul class="chart-legend".*?</ul>', html, re.S).group()
    assert re.findall(r"</svg> ([^<]+)</li>", legend) == ["Ouvertes", "Faites", "En retard"]
    assert '<rect class="area area-overdue"' in legend
