"""The search box on every page, the results page /recherche and the hit anchors."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import Browser
from tests.search_ui_support import SCRIPT, SECRET_WORD, confidential, demo, index, scripted

pytestmark = pytest.mark.both_engines  # each test with Whoosh and with PostgreSQL


@pytest.fixture
def meetings(app) -> list[int]:
    return index(app, demo(), confidential())


def page(browser: Browser, url: str, status: int = 200) -> str:
    response = browser.client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def links(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', html)]


def test_search_box_on_every_page(browser, meetings):
    for url in ("/", f"/reunions/{meetings[0]}", f"/reunions/{meetings[0]}/versions"):
        html = page(browser, url)
        form = re.search(
            r'<form role="search" method="get" action="/recherche".*?</form>', html, re.S
        ).group()
        assert '<label for="search-q"' in form and 'name="q"' in form
        assert 'aria-keyshortcuts="/"' in form
    assert "search-shortcut.js" in page(browser, "/")


def test_results_link_to_the_row_and_the_action(browser, meetings):
    html = page(browser, "/recherche?q=inducteur")
    hrefs = links(html)
    for n in (4, 5, 6, 7, 8):
        assert f"/reunions/{meetings[0]}#ligne-{n}" in hrefs
    assert re.search(r'role="status"[^>]*>\d+ résultats', html)
    assert "<mark>" in html
    assert "<h1>Recherche dans les comptes-rendus</h1>" in html
    action = [h for h in links(page(browser, "/recherche?q=bilat%C3%A9ral")) if "#action-" in h]
    assert action
    meeting_page = page(browser, action[0].split("#")[0])
    assert f'id="{action[0].split("#")[1]}"' in meeting_page
    assert meeting_page.count('<tr id="ligne-') == 9


def test_a_script_typed_in_a_row_shows_as_text(browser, app):
    index(app, scripted())
    html = page(browser, "/recherche?q=injection")
    assert SCRIPT not in html and "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_facets_add_and_remove_filters_kept_in_the_url(browser, meetings):
    html = page(browser, "/recherche?q=inducteur")
    nature = re.search(r'<section aria-labelledby="facet-nature">.*?</section>', html, re.S)
    assert nature and re.search(r"Action <span class=\"count\">\(\d+\)</span>", nature.group())
    add = next(h for h in links(nature.group()) if "nature=A" in h)
    filtered = page(browser, "/recherche" + add)
    assert "Filtres actifs" in filtered and "Nature : Action" in filtered
    assert 'aria-current="true" class="selected"' in filtered
    remove = (
        re.search(r'<a href="([^"]+)" aria-label="Retirer le filtre Nature : Action"', filtered)
        .group(1)
        .replace("&amp;", "&")
    )
    assert parse_qs(urlsplit(remove).query) == {"q": ["inducteur"]}
    assert "Filtres actifs" not in page(browser, "/recherche" + remove)


def test_sort_and_pagination_links(browser, app):
    index(app, demo(), demo(), demo())
    html = page(browser, "/recherche?q=financement&per_page=2")
    assert 'aria-label="Pages de résultats"' in html and 'aria-current="page">Page 1' in html
    second = next(h for h in links(html) if "page=2" in h)
    assert parse_qs(urlsplit(second).query)["per_page"] == ["2"]
    assert 'rel="prev"' in page(browser, "/recherche?q=financement&per_page=2&page=2")
    by_date = next(h for h in links(html) if "sort=date" in h)
    assert 'aria-current="true">date' in page(browser, "/recherche" + by_date)


def test_bad_parameters_say_so_in_french(browser, meetings):
    html = page(browser, "/recherche?q=bal&nature=X&from=hier", status=400)
    assert 'role="alert"' in html
    assert "Nature (nature) : valeur inconnue « X »" in html
    assert "Depuis le (from) : Date invalide : attendu JJ/MM/AAAA" in html
    assert 'value="bal"' in html  # the form keeps the query


@pytest.mark.parametrize("text", ['"unbalanced', "AND OR ((", "x" * 10_000, "le la de"])
def test_bad_query_text_never_500(browser, meetings, text):
    response = browser.client.get("/recherche", query_string={"q": text})
    assert response.status_code == 200


def test_empty_page_invites_to_search(browser, meetings):
    html = page(browser, "/recherche")
    assert "Saisissez des mots" in html and "Résultats" not in html


def test_zero_results_suggest_a_correction(browser, meetings):
    html = page(browser, "/recherche?q=inducteru&nature=I")
    assert re.search(r'role="status"[^>]*>0 résultat<', html)
    assert 'Vouliez-vous dire <a href="?q=inducteur&amp;nature=I">inducteur</a> ?' in html


def test_a_reader_sees_no_confidential_row_snippet_or_facet(client, meetings):
    reader = Browser(client).login("reader")
    for url in (
        f"/recherche?q={SECRET_WORD}",
        "/recherche?q=financement",
        "/recherche?q=inducteur&series=Task+Force+secr%C3%A8te",
    ):
        html = page(reader, url)
        assert SECRET_WORD not in html.replace(f"q={SECRET_WORD}", "").replace(
            f'value="{SECRET_WORD}"', ""
        ).replace(f"« {SECRET_WORD} »", "")
        assert f"/reunions/{meetings[1]}" not in html
    assert "Task Force secrète" not in page(reader, "/recherche?q=financement")


def test_login_required(client):
    response = client.get("/recherche?q=bal")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_action_title_is_highlighted_and_status_reads_like_the_page(browser, meetings):
    html = page(browser.login(), "/recherche?q=bilatéraux&kind=action")
    titles = re.findall(r"<h3>(.*?)</h3>", html, re.S)
    assert any("<mark>" in t for t in titles), titles
    assert "À faire" in html
