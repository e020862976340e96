"""Organisations as owners people follow: an account of the ANS (by its person's entity, or
made a member by an admin on the organisation's page) sees the ANS's actions in « mes
actions » (board and home page) and changes their status like its own, never those of a
meeting it may not read (a canary word)."""

from __future__ import annotations

import copy
import re

import pytest
from sqlmodel import select

from rida import access, db
from rida.meetings.people import find_or_create
from rida.models import Action, Meeting, OrganisationMember, Person, SeriesMember, User
from tests.conftest import Browser, draft_document, import_doc

CANARY = "CANARI-c41d plan de réversibilité"


def ans_action(title: str, due: str = "2022-02-01") -> dict:
    return {
        "title": title,
        "kind": "other",
        "owner": {"entity": "ANS"},
        "due_date": due,
        "status": "open",
        "rida": None,
        "notes": None,
    }


@pytest.fixture
def world(app) -> dict[str, int]:
    """The demo (public; the ANS owns « Atelier industriel avec les éditeurs »), and a
    restricted meeting of another series, without the ANS's people, whose ANS action
    carries the canary."""
    public = import_doc(app, draft_document())
    restricted = copy.deepcopy(draft_document()) | {
        "series": "TF restreinte",
        "title": "Atelier restreint",
        "classification": "restricted",
        "participants": [p for p in draft_document()["participants"] if p["entity"] == "DNS"],
        "actions": [ans_action(CANARY)],
    }
    secret = import_doc(app, restricted)
    with app.app_context(), db.transaction() as s:
        [ans] = s.exec(select(Person).where(Person.last_name == "", Person.entity == "ANS")).all()
        ids = {a.title: a.id for a in s.exec(select(Action)).all()}
        return {"public": public, "secret": secret, "ans": ans.id, **ids}


def link(app, login: str, last_name: str) -> None:
    with app.app_context(), db.transaction() as s:
        person = s.exec(select(Person).where(Person.last_name == last_name)).first()
        s.exec(select(User).where(User.login == login)).one().person_id = person.id


def status(browser: Browser, action_id: int, value: str) -> int:
    return browser.json("POST", f"/api/actions/{action_id}/status", {"status": value}).status_code


def test_an_account_of_the_ans_follows_its_actions(app, world):
    member = Browser(app.test_client()).login("member")
    industriel = world["Atelier industriel avec les éditeurs"]
    assert status(member, industriel, "in_progress") == 403  # not linked yet
    link(app, "member", "BRIS")  # Edouard BRIS, of the ANS
    board = member.client.get("/actions?mine=1").get_data(as_text=True)
    assert "Atelier industriel avec les éditeurs" in board
    assert f'id="status-{industriel}"' in board  # the status control, as for his own
    assert CANARY not in board and "restreint" not in board
    home = member.client.get("/").get_data(as_text=True)
    # his own open action, the ANS's public one; not the restricted meeting's
    assert re.search(r"Mes actions</a> :\s*2 en cours, dont 2 en retard", home), home
    assert status(member, industriel, "in_progress") == 200
    assert status(member, world[CANARY], "in_progress") == 404  # a meeting he may not read
    counts = member.client.get("/actions?mine=1&status=open").get_data(as_text=True)
    assert CANARY not in counts
    # Once a member of that series, he reads the meeting: the action is his to follow.
    with app.app_context(), db.transaction() as s:
        series_id = s.get(Meeting, world["secret"]).series_id
        user = s.exec(select(User).where(User.login == "member")).one()
        s.add(SeriesMember(series_id=series_id, user_id=user.id))
    assert CANARY in member.client.get("/actions?mine=1").get_data(as_text=True)
    assert status(member, world[CANARY], "in_progress") == 200


def test_an_admin_makes_an_account_member_on_the_organisations_page(app, world):
    admin = Browser(app.test_client()).login("admin")
    page = admin.client.get(f"/personnes/{world['ans']}").get_data(as_text=True)
    assert "Membres de l'organisation" in page and "Aucun compte membre." in page
    with app.app_context():
        reader_id = db.session().exec(select(User.id).where(User.login == "reader")).one()
    form = {"organisation_id": str(world["ans"]), "user_id": str(reader_id), "action": "add"}
    assert admin.form("/admin/comptes/organisations", form).status_code == 302
    page = admin.client.get(f"/personnes/{world['ans']}").get_data(as_text=True)
    assert "« reader » membre de l&#39;organisation « ANS »." in page
    assert re.search(r"<li>reader —\s*ajouté par un administrateur", page)
    reader = Browser(app.test_client()).login("reader")
    industriel = world["Atelier industriel avec les éditeurs"]
    board = reader.client.get("/actions?mine=1").get_data(as_text=True)
    assert "Atelier industriel avec les éditeurs" in board and CANARY not in board
    assert status(reader, industriel, "done") == 200
    # Others may not touch memberships (the admin pages answer 404) nor see them.
    rapporteur = Browser(app.test_client()).login("rapporteur")
    assert rapporteur.form("/admin/comptes/organisations", form).status_code == 404
    assert "Membres de l" not in rapporteur.client.get(f"/personnes/{world['ans']}").get_data(
        as_text=True
    )
    # Errors are French messages; a person is not an organisation.
    with app.app_context():
        bris = db.session().exec(select(Person.id).where(Person.last_name == "BRIS")).first()
    for data, message in (
        ({**form, "user_id": ""}, "choisissez un compte"),
        ({**form, "user_id": "999999"}, "compte inconnu"),
        ({**form, "organisation_id": str(bris)}, "est une personne, pas une organisation"),
    ):
        answer = admin.form("/admin/comptes/organisations", data)
        assert answer.status_code == 302
        assert message in admin.client.get(answer.location).get_data(as_text=True)
    removed = {**form, "action": "remove"}
    assert admin.form("/admin/comptes/organisations", removed).status_code == 302
    with app.app_context():
        assert db.session().exec(select(OrganisationMember)).all() == []
    assert status(reader, industriel, "open") == 403


def test_an_organisation_has_a_contact_address(app, world):
    admin = Browser(app.test_client()).login("admin")
    people = admin.client.get("/personnes").get_data(as_text=True)
    label = f'for="email-{world["ans"]}" class="visually-hidden">Adresse de contact de ANS'
    assert label in people
    url = f"/personnes/{world['ans']}/email"
    admin.form(url, {"email": "contact@"})
    assert "Adresse e-mail invalide « contact@ »" in admin.client.get("/personnes").get_data(
        as_text=True
    )
    admin.form(url, {"email": "contact@esante.gouv.fr"})
    with app.app_context():
        assert db.session().get(Person, world["ans"]).email == "contact@esante.gouv.fr"
    rapporteur = Browser(app.test_client()).login("rapporteur")
    assert rapporteur.form(url, {"email": "x@y.fr"}).status_code == 403


def test_every_record_of_an_organisation_counts(app, world):
    """A shared account linked to the organisation « ANS » follows the actions of every
    « ANS » record (a namesake made apart for confidentiality: find_or_create), not
    those of another organisation."""
    with app.app_context(), db.transaction() as s:
        twin = find_or_create(s, {"entity": "Ans"}, visible=Person.id.is_(None))  # none seen
        other = find_or_create(s, {"entity": "DNS"}, visible=Person.id.is_not(None))
        assert twin.id != world["ans"]
        user = s.exec(select(User).where(User.login == "reader")).one()
        user.person_id = world["ans"]
        s.flush()
        assert access.followed_owners(s, user) == {world["ans"], twin.id}
        assert other.id not in access.followed_owners(s, user)
        user.active = False
        assert access.followed_owners(s, user) == set()
