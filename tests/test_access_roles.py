"""Roles and memberships: rapporteurs edit the meetings of their series (or the ones they
write up or created); members change the status of their own actions; anonymous visitors
read the validated public minutes when ``RIDA_PUBLIC_READ=1``, nothing else."""

from __future__ import annotations

import pytest
from sqlmodel import select

from rida import access, db, exchange
from rida.models import Action, Meeting, SeriesMember, User
from tests.conftest import Browser, demo_document, draft_document, make_app


def user_named(s, login: str) -> User:  # type: ignore[no-untyped-def]
    return s.exec(select(User).where(User.login == login)).one()


def test_a_rapporteur_edits_the_meetings_of_their_series(app, demo_meeting):
    rapporteur = Browser(app.test_client()).login("rapporteur")
    patch = {"fields": {"location": "Salle 2"}}
    assert rapporteur.client.get(f"/reunions/{demo_meeting}").status_code == 200  # reads
    assert rapporteur.json("PATCH", f"/api/meetings/{demo_meeting}", patch).status_code == 403
    assert rapporteur.client.get(f"/reunions/{demo_meeting}/modifier").status_code == 403
    view = rapporteur.client.get(f"/reunions/{demo_meeting}").get_data(as_text=True)
    assert "Modifier (éditeur du rapporteur)" not in view
    with app.app_context(), db.write_session(db.engine()) as s:
        meeting = s.get(Meeting, demo_meeting)
        s.add(SeriesMember(series_id=meeting.series_id, user_id=user_named(s, "rapporteur").id))
    assert rapporteur.json("PATCH", f"/api/meetings/{demo_meeting}", patch).status_code == 200
    assert rapporteur.client.get(f"/reunions/{demo_meeting}/modifier").status_code == 200


def test_new_meetings_join_an_existing_series_only_through_its_members(app, demo_meeting):
    rapporteur = Browser(app.test_client()).login("rapporteur")
    home = rapporteur.client.get("/").get_data(as_text=True)
    with app.app_context():
        series_id = db.session().get(Meeting, demo_meeting).series_id
    assert f'<option value="{series_id}">' not in home  # not offered in the form
    created = rapporteur.form(
        "/reunions", {"series_id": str(series_id), "title": "Atelier", "date": "2022-02-01"}
    )
    assert "réservée aux membres de la série" in rapporteur.client.get(
        created.headers["Location"]
    ).get_data(as_text=True)
    refused = rapporteur.json("POST", "/api/meetings", draft_document())  # same series
    assert refused.status_code == 400, refused.get_json()
    assert [e["path"] for e in refused.get_json()["errors"]] == ["series"]
    # A new series is theirs: its creator becomes a member.
    new = rapporteur.json("POST", "/api/meetings", {**draft_document(), "series": "TF Neuve"})
    assert new.status_code == 201, new.get_json()
    with app.app_context(), db.write_session(db.engine()) as s:
        s.add(SeriesMember(series_id=series_id, user_id=user_named(s, "rapporteur").id))
    assert rapporteur.json("POST", "/api/meetings", draft_document()).status_code == 201


def test_the_meetings_rapporteur_and_creator_edit_it(app, demo_meeting):
    with app.app_context(), db.write_session(db.engine()) as s:
        meeting = s.get(Meeting, demo_meeting)
        rapporteur = user_named(s, "rapporteur")
        assert not access.can_edit(s, rapporteur, demo_meeting)
        rapporteur.person_id = meeting.rapporteur_id
        assert access.can_edit(s, rapporteur, demo_meeting)
        rapporteur.person_id = None
        meeting.created_by = rapporteur.id
        assert access.can_edit(s, rapporteur, demo_meeting)
        member = user_named(s, "member")
        meeting.created_by = member.id
        assert not access.can_edit(s, member, demo_meeting)  # a member never edits
        s.rollback()


def test_a_member_changes_the_status_of_their_own_actions_only(app, demo_meeting):
    """Their own: owned by their person, or by an organisation they belong to (see
    tests/test_organisation_members.py)."""
    with app.app_context(), db.write_session(db.engine()) as s:
        actions = s.exec(
            select(Action).where(Action.meeting_id == demo_meeting).order_by(Action.id)
        ).all()
        owned = next(a for a in actions if a.owner_id is not None)
        member = user_named(s, "member")
        member.person_id = owned.owner_id
        s.add(member)
        s.flush()
        theirs = access.followed_owners(s, member)
        other = next(a for a in actions if a.owner_id not in theirs)
        owned_id, other_id = owned.id, other.id
    member = Browser(app.test_client()).login("member")
    ok = member.json("POST", f"/api/actions/{owned_id}/status", {"status": "in_progress"})
    assert ok.status_code == 200, ok.get_data(as_text=True)
    refused = member.json("POST", f"/api/actions/{other_id}/status", {"status": "done"})
    assert refused.status_code == 403


@pytest.fixture
def public_app(tmp_path):  # type: ignore[no-untyped-def]
    app = make_app(tmp_path / "public", PUBLIC_READ=True)
    ids = {}
    with app.app_context(), db.write_session(db.engine()) as s:
        from rida.circuit import versions

        ids["validated"] = versions.import_document(s, demo_document()).id
        ids["draft"] = exchange.import_document(s, draft_document()).id
        ids["restricted"] = versions.import_document(
            s, demo_document() | {"classification": "restricted"}
        ).id
    yield app, ids
    with app.app_context():
        db.engine().dispose()


def test_anonymous_visitors_read_validated_public_minutes_only(public_app):
    app, ids = public_app
    client = app.test_client()
    page = client.get(f"/reunions/{ids['validated']}")
    assert page.status_code == 200 and "Atelier modèle économique #1" in page.get_data(as_text=True)
    for fmt in ("docx", "md", "json"):
        assert client.get(f"/reunions/{ids['validated']}/compte-rendu.{fmt}").status_code == 200
    assert client.get(f"/api/meetings/{ids['validated']}/versions/1.0.docx").status_code == 200
    assert client.get(f"/reunions/{ids['validated']}/versions").status_code == 200
    # Drafts, restricted minutes and unknown ids look alike: the login page.
    for meeting_id in (ids["draft"], ids["restricted"], 99999):
        for url in (f"/reunions/{meeting_id}", f"/reunions/{meeting_id}/compte-rendu.md"):
            response = client.get(url)
            assert response.status_code == 302 and "/connexion" in response.location, url
    # Nothing else: lists, search, the API, the editor.
    for url in ("/", "/actions", "/recherche?q=MSS", f"/reunions/{ids['validated']}/modifier"):
        assert client.get(url).status_code == 302, url
    assert client.get("/api/meetings").status_code == 401
    assert client.get(f"/api/meetings/{ids['validated']}").status_code == 401


def test_public_read_is_off_by_default(app, validated_meeting):
    client = app.test_client()
    assert client.get(f"/reunions/{validated_meeting}").status_code == 302
    assert client.get(f"/reunions/{validated_meeting}/compte-rendu.md").status_code == 302
    with app.app_context(), db.write_session(db.engine()) as s:
        assert s.exec(select(Meeting).where(access.readable(None))).all() == []
        assert s.exec(select(Meeting).where(access.readable(None, public_read=True))).all()
