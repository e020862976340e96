"""The JSON API's guards through the real HTTP app: CSRF, login, roles and access."""

from __future__ import annotations

import json
import re

from sqlmodel import select

from rida import db
from rida.models import Meeting, Person, SeriesMember, User
from tests.conftest import demo_document
from tests.test_api import as_user, create, meeting_count, rows


def test_writes_without_csrf_token_are_refused(browser, app, demo_meeting):
    row = rows(app, demo_meeting)[0]
    for method, url, payload in (
        ("POST", "/api/meetings", demo_document()),
        ("PATCH", f"/api/meetings/{demo_meeting}", {"fields": {"title": "x"}}),
        (
            "PATCH",
            f"/api/meetings/{demo_meeting}/rows/{row['uid']}",
            {"revision": 1, "fields": {"subject": "x"}},
        ),
        ("DELETE", f"/api/meetings/{demo_meeting}/rows/{row['uid']}", None),
    ):
        response = browser.client.open(
            url, method=method, data=json.dumps(payload), content_type="application/json"
        )
        assert response.status_code == 400, (method, url)
        assert response.get_json()["error"] == "csrf"
        wrong = browser.client.open(
            url, method=method, data=json.dumps(payload), headers={"X-CSRFToken": "forged"}
        )
        assert wrong.get_json()["error"] == "csrf"
    assert rows(app, demo_meeting)[0] == row
    assert meeting_count(app) == 1


def test_without_login_api_is_401_and_pages_redirect(client, demo_meeting):
    assert client.get("/api/meetings").status_code == 401
    response = client.get(f"/api/meetings/{demo_meeting}")
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"
    login_page = client.get("/connexion").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
    edit = client.patch(
        f"/api/meetings/{demo_meeting}",
        json={"fields": {"title": "x"}},
        headers={"X-CSRFToken": token},
    )
    assert edit.status_code == 401
    create_ = client.post("/api/meetings", json=demo_document(), headers={"X-CSRFToken": token})
    assert create_.status_code == 401
    page = client.get(f"/reunions/{demo_meeting}")
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/connexion?next=")


def test_reader_and_member_cannot_write(app, demo_meeting):
    for login in ("reader", "member"):
        user = as_user(app, login)
        assert user.client.get(f"/api/meetings/{demo_meeting}").status_code == 200
        assert (
            user.json(
                "PATCH", f"/api/meetings/{demo_meeting}", {"fields": {"title": "x"}}
            ).status_code
            == 403
        )
        assert user.json("POST", f"/api/meetings/{demo_meeting}/rows", {}).status_code == 403
        assert user.json("POST", "/api/meetings", demo_document()).status_code == 403
        assert user.client.get(f"/reunions/{demo_meeting}/modifier").status_code == 403


def test_confidential_meeting_is_hidden_from_non_participants(browser, app):
    meeting_id = create(browser, demo_document() | {"classification": "confidential"})
    member = as_user(app, "member")
    assert member.client.get(f"/api/meetings/{meeting_id}").status_code == 404
    assert member.client.get(f"/reunions/{meeting_id}").status_code == 404
    assert member.client.get("/api/meetings").get_json() == {"meetings": []}
    rapporteur = as_user(app, "rapporteur")
    assert (
        rapporteur.json(
            "PATCH", f"/api/meetings/{meeting_id}", {"fields": {"title": "x"}}
        ).status_code
        == 404
    )
    with app.app_context(), db.write_session(db.engine()) as s:
        user = s.exec(select(User).where(User.login == "member")).one()
        user.person_id = s.exec(select(Person).where(Person.last_name == "GUEYE")).one().id
        s.add(user)
    assert member.client.get(f"/api/meetings/{meeting_id}").status_code == 200


def test_restricted_meeting_is_visible_to_series_members_only(browser, app):
    meeting_id = create(browser, demo_document() | {"classification": "restricted"})
    member = as_user(app, "member")
    assert member.client.get(f"/api/meetings/{meeting_id}").status_code == 404
    with app.app_context(), db.write_session(db.engine()) as s:
        series_id = s.get(Meeting, meeting_id).series_id
        user = s.exec(select(User).where(User.login == "member")).one()
        s.add(SeriesMember(series_id=series_id, user_id=user.id))
    assert member.client.get(f"/api/meetings/{meeting_id}").status_code == 200
    assert [m["id"] for m in member.client.get("/api/meetings").get_json()["meetings"]] == [
        meeting_id
    ]
    assert as_user(app, "reader").client.get(f"/api/meetings/{meeting_id}").status_code == 404
