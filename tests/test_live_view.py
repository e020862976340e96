"""The live view (``/reunions/<id>/direct``) and the room links (``?salle=<token>``): who
sees it, what it shows (and does not), and every rule of a room link (rida.live.room)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import col, select

from rida import db, exchange
from rida.live import room
from rida.models import Meeting, RidaRow, RoomLink, SeriesMember, User
from tests.audit_support import entries
from tests.conftest import Browser, draft_document
from tests.test_api import as_user

INVALID = "Ce lien de salle n&#39;est plus valable"


def make_meeting(app: Flask, **fields: object) -> int:
    """The demo as a draft, with ``fields`` changed (classification, status...)."""
    with app.app_context(), db.transaction() as s:
        return exchange.import_document(s, draft_document() | fields).id


def row_uids(app: Flask, meeting_id: int) -> list[str]:
    with app.app_context(), db.write_session(db.engine()) as s:
        found = s.exec(
            select(RidaRow.uid).where(RidaRow.meeting_id == meeting_id).order_by(RidaRow.number)
        )
        return list(found.all())


def user_id(app: Flask, login: str) -> int:
    with app.app_context(), db.write_session(db.engine()) as s:
        return s.exec(select(User.id).where(User.login == login)).one()


def links(app: Flask, meeting_id: int) -> list[RoomLink]:
    with app.app_context(), db.write_session(db.engine()) as s:
        query = select(RoomLink).where(RoomLink.meeting_id == meeting_id)
        return list(s.exec(query.order_by(col(RoomLink.id))).all())


def make_link(browser: Browser, meeting_id: int) -> str:
    """A room link made from the read view's panel: its URL (path and query)."""
    response = browser.form(f"/reunions/{meeting_id}/salle", {})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    found = re.search(r'id="room-link-url" class="feed-url" value="([^"]+)"', page)
    assert found, page
    parts = urlsplit(found.group(1).replace("&amp;", "&"))
    return f"{parts.path}?{parts.query}"


def token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["salle"][0]


@pytest.fixture
def room_client(app: Flask) -> FlaskClient:
    """A projector: no account, no cookie."""
    return app.test_client(use_cookies=False)


# --- The live view, with one's own login ----------------------------------------------


def test_a_reader_sees_the_meeting_live_without_any_editing_control(app, browser, demo_meeting):
    reader = as_user(app, "reader")
    response = reader.client.get(f"/reunions/{demo_meeting}/direct")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert '<header class="direct-banner" role="banner">' in page and "<main " in page
    assert '<h1 id="direct-title">Atelier modèle économique #1</h1>' in page
    assert "<h2" in page and 'role="status" aria-live="polite"' in page
    assert '<span class="visually-hidden">Classification : </span>Publique' in page
    assert "Edouard BRIS" in page  # the participants, as the read view shows them
    assert page.count('<tr id="ligne-') == 9
    assert f'data-stream-url="/api/meetings/{demo_meeting}/events"' in page
    assert f'data-row-url="/reunions/{demo_meeting}/direct/lignes/__uid__"' in page
    assert 'href="/static/direct.css"' in page and 'src="/static/direct.js"' in page
    # no editing control, no form, no CSRF token, no other origin
    for control in ("<form", "<textarea", "<select", "<button", "csrf", "contenteditable"):
        assert control not in page, control
    [follow] = re.findall(r"<input[^>]*>", page)
    assert follow == '<input type="checkbox" id="direct-follow" checked>'
    assert "http://" not in page and "https://" not in page
    assert f'href="/reunions/{demo_meeting}"' in page  # back to the read view


def test_the_live_view_renders_markdown_as_the_read_view_does(app, browser):
    doc = draft_document()
    doc["rida"][0]["question"] = "**gras** <script>alert(1)</script> [lien](javascript:alert(2))"
    meeting_id = make_meeting(app, rida=doc["rida"])
    page = browser.client.get(f"/reunions/{meeting_id}/direct").get_data(as_text=True)
    read = browser.client.get(f"/reunions/{meeting_id}").get_data(as_text=True)
    assert "<strong>gras</strong>" in page and "<strong>gras</strong>" in read
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "javascript:" not in page


def test_the_english_url_serves_the_same_page(app, browser, demo_meeting):
    response = browser.client.get(f"/meetings/{demo_meeting}/direct")
    assert response.status_code == 200
    assert '<h1 id="direct-title">' in response.get_data(as_text=True)


def test_who_may_not_read_the_meeting_gets_404_everywhere(app, browser):
    confidential = make_meeting(app, classification="confidential")
    restricted = make_meeting(app, classification="restricted")
    uid = row_uids(app, confidential)[0]
    reader = as_user(app, "reader")
    for meeting_id in (confidential, restricted, 987654):
        for url in (
            f"/reunions/{meeting_id}/direct",
            f"/meetings/{meeting_id}/direct",
            f"/reunions/{meeting_id}/direct/contenu",
            f"/reunions/{meeting_id}/direct/lignes/{uid}",
        ):
            response = reader.client.get(url)
            assert response.status_code == 404, url
            assert "Atelier modèle" not in response.get_data(as_text=True)
    # the restricted meeting, once the reader is a member of its series
    reader_id = user_id(app, "reader")
    with app.app_context(), db.transaction() as s:
        series_id = s.get(Meeting, restricted).series_id
        s.add(SeriesMember(series_id=series_id, user_id=reader_id))
    assert reader.client.get(f"/reunions/{restricted}/direct").status_code == 200
    assert browser.client.get(f"/reunions/{confidential}/direct").status_code == 200  # admin


def test_anonymous_visitors_are_sent_to_the_login_page(client, demo_meeting):
    for url in (f"/reunions/{demo_meeting}/direct", f"/reunions/{demo_meeting}/direct/contenu"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/connexion")


def test_the_fragments_give_the_sections_and_one_row(app, browser, demo_meeting):
    uids = row_uids(app, demo_meeting)
    content = browser.client.get(f"/reunions/{demo_meeting}/direct/contenu")
    assert content.status_code == 200 and content.mimetype == "text/html"
    text = content.get_data(as_text=True)
    for section in ("direct-entete", "direct-intervenants", "direct-rida"):
        assert f'<section id="{section}"' in text
    assert "<html" not in text and "<form" not in text
    row = browser.client.get(f"/reunions/{demo_meeting}/direct/lignes/{uids[1]}")
    assert row.status_code == 200
    fragment = row.get_data(as_text=True).strip()
    assert fragment.startswith(f'<tr id="ligne-2" data-uid="{uids[1]}" data-revision="1"')
    assert fragment.endswith("</tr>") and fragment.count("<tr") == 1
    assert row.headers["Cache-Control"] == "private, no-store"
    other = make_meeting(app)
    for uid in ("nope", row_uids(app, other)[0]):
        missing = browser.client.get(f"/reunions/{demo_meeting}/direct/lignes/{uid}")
        assert missing.status_code == 404


# --- The room link panel ----------------------------------------------------------------


def test_the_panel_is_offered_to_editors_only(app, browser, demo_meeting):
    assert "Diffusion en salle" in browser.client.get(f"/reunions/{demo_meeting}").get_data(
        as_text=True
    )
    page = as_user(app, "reader").client.get(f"/reunions/{demo_meeting}").get_data(as_text=True)
    assert "Diffusion en salle" not in page and "Lien pour la salle" not in page
    assert f'href="/reunions/{demo_meeting}/direct">Vue en direct' in page


def test_making_a_link_shows_it_once_and_stores_its_hash(app, browser, demo_meeting):
    url = make_link(browser, demo_meeting)
    token = token_of(url)
    assert url.startswith(f"/reunions/{demo_meeting}/direct?salle=")
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
    [link] = links(app, demo_meeting)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert link.created_by == user_id(app, "admin") and link.revoked_at is None
    assert link.day == room.today()
    page = browser.client.get(f"/reunions/{demo_meeting}").get_data(as_text=True)
    assert token not in page
    assert "Un lien pour la salle est actif aujourd'hui" in page
    assert "Révoquer" in page and "Nouveau lien pour la salle" in page
    [created] = entries(app, action="room_link.create")
    assert created.meeting_id == demo_meeting and created.login == "admin"
    assert created.object_type == "room_link" and token not in str(created.after)
    history = browser.client.get(f"/reunions/{demo_meeting}/historique").get_data(as_text=True)
    assert "Lien pour la salle" in history and token not in history


def test_the_room_sees_the_live_view_and_nothing_more(app, browser, room_client, demo_meeting):
    url = make_link(browser, demo_meeting)
    token = token_of(url)
    response = room_client.get(url)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers  # no session for the room
    page = response.get_data(as_text=True)
    assert '<h1 id="direct-title">Atelier modèle économique #1</h1>' in page
    assert f'data-stream-url="/api/meetings/{demo_meeting}/events?room={token}"' in page
    assert f'data-content-url="/reunions/{demo_meeting}/direct/contenu?salle={token}"' in page
    assert f"/direct/lignes/__uid__?salle={token}" in page
    assert "Retour au compte-rendu" not in page  # no navigation to other pages
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert set(hrefs) == {"/static/direct.css", "/static/favicon.svg", "#direct-rida"}, hrefs
    assert room_client.get(f"/meetings/{demo_meeting}/direct?salle={token}").status_code == 200
    uid = row_uids(app, demo_meeting)[0]
    for fragment in (f"/direct/contenu?salle={token}", f"/direct/lignes/{uid}?salle={token}"):
        got = room_client.get(f"/reunions/{demo_meeting}{fragment}")
        assert got.status_code == 200 and "Set-Cookie" not in got.headers


def test_the_token_grants_nothing_else(app, browser, room_client, demo_meeting):
    other = make_meeting(app)
    token = token_of(make_link(browser, demo_meeting))
    for url in (
        "/",
        f"/reunions/{demo_meeting}",
        f"/reunions/{demo_meeting}/modifier",
        f"/reunions/{demo_meeting}/compte-rendu.json",
        f"/reunions/{demo_meeting}/versions",
        f"/reunions/{demo_meeting}/historique",
        f"/reunions/{other}",
        "/actions",
        "/recherche?q=inducteur",
    ):
        response = room_client.get(f"{url}{'&' if '?' in url else '?'}salle={token}")
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/connexion"), url
    api = room_client.get(f"/api/meetings/{demo_meeting}?salle={token}&room={token}")
    assert api.status_code == 401
    uid = row_uids(app, demo_meeting)[0]
    for url in (
        f"/reunions/{other}/direct?salle={token}",
        f"/meetings/{other}/direct?salle={token}",
        f"/reunions/{other}/direct/contenu?salle={token}",
        f"/reunions/{other}/direct/lignes/{uid}?salle={token}",
        f"/reunions/987654/direct?salle={token}",
    ):
        response = room_client.get(url)
        assert response.status_code == 404, url
        assert INVALID in response.get_data(as_text=True)
        assert "Atelier modèle" not in response.get_data(as_text=True)
    # and the room can write nothing (no account: the login page, or 401 in the API)
    write = room_client.post(f"/reunions/{demo_meeting}/salle?salle={token}")
    assert write.status_code in (302, 400)
    assert len(links(app, demo_meeting)) == 1


def test_the_first_use_is_recorded_once(app, browser, room_client, demo_meeting):
    url = make_link(browser, demo_meeting)
    assert entries(app, action="room_link.use") == []
    room_client.get(url)
    room_client.get(url)
    room_client.get(url.replace("/direct?", "/direct/contenu?"))
    [used] = entries(app, action="room_link.use")
    assert used.meeting_id == demo_meeting and used.user_id is None
    assert links(app, demo_meeting)[0].first_used_at is not None


# --- The rules of a room link -----------------------------------------------------------


def assert_refused(room_client: FlaskClient, url: str) -> None:
    response = room_client.get(url)
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert INVALID in page and "Atelier modèle" not in page and "BRIS" not in page
    fragment = room_client.get(url.replace("/direct?", "/direct/contenu?"))
    assert fragment.status_code == 404 and "BRIS" not in fragment.get_data(as_text=True)


def test_a_confidential_meeting_gets_no_link(app, browser, room_client):
    meeting_id = make_meeting(app, classification="confidential")
    page = browser.client.get(f"/reunions/{meeting_id}").get_data(as_text=True)
    assert "Pas de lien pour la salle" in page and "confidentielle" in page
    assert f"/reunions/{meeting_id}/salle" not in page
    response = browser.form(f"/reunions/{meeting_id}/salle", {})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/reunions/{meeting_id}#salle"
    assert links(app, meeting_id) == []
    assert entries(app, action="room_link.create") == []


def test_a_meeting_made_confidential_closes_its_link(app, browser, room_client, demo_meeting):
    url = make_link(browser, demo_meeting)
    assert room_client.get(url).status_code == 200
    response = browser.json(
        "PATCH", f"/api/meetings/{demo_meeting}", {"fields": {"classification": "confidential"}}
    )
    assert response.status_code == 200, response.get_json()
    assert_refused(room_client, url)
    with app.app_context():
        assert room.meeting_for_token(db.session(), demo_meeting, token_of(url)) is None


def test_only_a_draft_is_shown(app, browser, room_client, demo_meeting):
    url = make_link(browser, demo_meeting)
    sent = browser.form(f"/reunions/{demo_meeting}/relecture", {"deadline": "2099-01-01"})
    assert sent.status_code == 302
    assert_refused(room_client, url)
    page = browser.client.get(f"/reunions/{demo_meeting}").get_data(as_text=True)
    assert "seul un brouillon peut être diffusé en salle" in page
    before = len(links(app, demo_meeting))
    assert browser.form(f"/reunions/{demo_meeting}/salle", {}).status_code == 302
    assert len(links(app, demo_meeting)) == before
    # back to a draft: the same link works again the same day
    assert browser.form(f"/reunions/{demo_meeting}/brouillon", {}).status_code == 302
    assert room_client.get(url).status_code == 200


def test_a_validated_meeting_gets_no_link(app, browser, validated_meeting):
    page = browser.client.get(f"/reunions/{validated_meeting}").get_data(as_text=True)
    assert "Pas de lien pour la salle" in page
    assert browser.form(f"/reunions/{validated_meeting}/salle", {}).status_code == 302
    assert links(app, validated_meeting) == []


def test_a_link_works_only_the_day_it_was_made(app, browser, room_client, demo_meeting):
    url = make_link(browser, demo_meeting)
    with app.app_context(), db.transaction() as s:
        link = s.exec(select(RoomLink).where(RoomLink.meeting_id == demo_meeting)).one()
        link.day = link.day - dt.timedelta(days=1)
        s.add(link)
    assert_refused(room_client, url)
    page = browser.client.get(f"/reunions/{demo_meeting}").get_data(as_text=True)
    assert "est actif aujourd" not in page and ">Lien pour la salle</button>" in page


def test_the_day_is_the_paris_calendar_day():
    winter_evening = dt.datetime(2025, 1, 15, 23, 30, tzinfo=dt.UTC)  # 00:30 in Paris
    assert room.today(winter_evening) == dt.date(2025, 1, 16)
    summer_evening = dt.datetime(2025, 7, 15, 21, 59, tzinfo=dt.UTC)  # 23:59 in Paris
    assert room.today(summer_evening) == dt.date(2025, 7, 15)
    assert room.today(dt.datetime(2025, 7, 15, 22, 0, tzinfo=dt.UTC)) == dt.date(2025, 7, 16)


def test_a_revoked_link_is_refused(app, browser, room_client, demo_meeting):
    url = make_link(browser, demo_meeting)
    response = browser.form(f"/reunions/{demo_meeting}/salle/revocation", {})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/reunions/{demo_meeting}#salle"
    assert_refused(room_client, url)
    [link] = links(app, demo_meeting)
    assert link.revoked_at is not None
    [revoked] = entries(app, action="room_link.revoke")
    assert revoked.meeting_id == demo_meeting and revoked.login == "admin"
    page = browser.client.get(f"/reunions/{demo_meeting}").get_data(as_text=True)
    assert "est actif aujourd" not in page and "Lien pour la salle révoqué" in page


def test_another_link_keeps_the_first_and_revoking_ends_both(
    app, browser, room_client, demo_meeting
):
    """Making a link again (or the browser sending the form again) must not cut the room
    off; « Révoquer » ends every link of the meeting."""
    first = make_link(browser, demo_meeting)
    second = make_link(browser, demo_meeting)
    assert token_of(first) != token_of(second)
    assert room_client.get(first).status_code == 200
    assert room_client.get(second).status_code == 200
    page = browser.client.get(f"/reunions/{demo_meeting}").get_data(as_text=True)
    assert "2 liens pour la salle sont actifs aujourd'hui" in page
    assert len(entries(app, action="room_link.create")) == 2
    assert browser.form(f"/reunions/{demo_meeting}/salle/revocation", {}).status_code == 302
    assert_refused(room_client, first)
    assert_refused(room_client, second)
    assert len(entries(app, action="room_link.revoke")) == 2
    assert all(link.revoked_at is not None for link in links(app, demo_meeting))


def test_a_link_dies_when_its_maker_may_no_longer_edit(app, room_client, demo_meeting):
    rapporteur_id = user_id(app, "rapporteur")
    with app.app_context(), db.transaction() as s:
        series_id = s.get(Meeting, demo_meeting).series_id
        s.add(SeriesMember(series_id=series_id, user_id=rapporteur_id))
    rapporteur = as_user(app, "rapporteur")
    url = make_link(rapporteur, demo_meeting)
    assert room_client.get(url).status_code == 200
    with app.app_context(), db.transaction() as s:
        s.delete(s.get(SeriesMember, (series_id, rapporteur_id)))
    assert_refused(room_client, url)


def test_only_editors_make_and_revoke_links(app, browser, demo_meeting):
    confidential = make_meeting(app, classification="confidential")
    reader = as_user(app, "reader")
    for url in (f"/reunions/{demo_meeting}/salle", f"/reunions/{demo_meeting}/salle/revocation"):
        assert reader.form(url, {}).status_code == 403
    for url in (f"/reunions/{confidential}/salle", "/reunions/987654/salle"):
        assert reader.form(url, {}).status_code == 404
    assert links(app, demo_meeting) == []


def test_making_and_revoking_need_the_csrf_token(app, browser, demo_meeting):
    for url in (f"/reunions/{demo_meeting}/salle", f"/reunions/{demo_meeting}/salle/revocation"):
        response = browser.client.post(url, data={})
        assert response.status_code == 400
        assert "Jeton CSRF" in response.get_data(as_text=True)
    assert links(app, demo_meeting) == []


@pytest.mark.parametrize(
    "query",
    ["salle=", "salle=x", "salle=" + "a" * 43, "salle=" + "a" * 5000, "salle=%C3%A9" * 43,
     "salle=%00", "salle=..%2F..%2Fetc", "salle=a+b", "salle=%FF%FE", "salle=a&salle=b"],
    ids=["empty", "short", "unknown", "huge", "accents", "nul", "dots", "space", "not-utf8",
         "twice"],
)  # fmt: skip
def test_a_bad_token_gets_the_french_page_never_a_500(room_client, demo_meeting, query):
    response = room_client.get(f"/reunions/{demo_meeting}/direct?{query}")
    assert response.status_code == 404
    assert INVALID in response.get_data(as_text=True)


def test_meeting_for_token(app, browser, demo_meeting):
    token = token_of(make_link(browser, demo_meeting))
    other = make_meeting(app)
    with app.app_context():
        s = db.session()
        assert room.meeting_for_token(s, demo_meeting, token).id == demo_meeting
        assert room.meeting_for_token(s, other, token) is None
        assert room.meeting_for_token(s, 987654, token) is None
        for wrong in (None, "", token[:-1], token + "x", token.upper()):
            assert room.meeting_for_token(s, demo_meeting, wrong) is None
