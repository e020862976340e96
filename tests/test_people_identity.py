"""Renaming a person and merging a duplicate (rida.meetings.identity), from the people page
and the command line: every reference follows, history is kept, both are audited, errors
are clear, and a rapporteur acts only on the people they may see."""

from __future__ import annotations

import copy

from sqlmodel import select

from rida import db
from rida.circuit import versions
from rida.meetings.people import find_or_create
from rida.models import (
    Action,
    AuditEntry,
    Meeting,
    MeetingVersion,
    OrganisationMember,
    Participation,
    Person,
    PersonAlias,
    User,
)
from tests.conftest import Browser, demo_document, draft_document, import_doc
from tests.test_cli_actions import rida as rida_command
from tests.test_remind import action
from tests.test_trust_people import SECRET, _attacker, _world

ABD = {"last_name": "ABD", "first_name": "", "entity": "", "function": "Chef de projet"}
SLOSAR = {"last_name": "SLOSAR", "first_name": "Mathieu", "entity": "ANS"}


def rida(app, *args: str, code: int = 0):  # type: ignore[no-untyped-def]
    return rida_command(app, *args, code=code, command=main_person())


def main_person():  # type: ignore[no-untyped-def]
    from rida.cli.people import person

    return person


def _draft_with_abd(app) -> int:
    """A draft naming « ABD » (typed by mistake) as participant, organiser and owner."""
    doc = copy.deepcopy(draft_document()) | {"title": "Atelier ABD"}
    doc["participants"].append({**ABD, "attendance": "present"})
    doc["organiser"] = {**ABD}
    doc["actions"] = [action("Relancer", "2030-05-02", {**ABD})]
    return import_doc(app, doc)


def _person(app, last_name: str, first_name: str | None = None) -> Person | None:
    with app.app_context():
        query = select(Person).where(Person.last_name == last_name)
        if first_name is not None:
            query = query.where(Person.first_name == first_name)
        return db.session().exec(query).first()


def _audit(app, action_name: str) -> list[AuditEntry]:
    with app.app_context():
        return list(
            db.session().exec(select(AuditEntry).where(AuditEntry.action == action_name)).all()
        )


def _flash(browser: Browser, response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)
    return browser.client.get(response.headers["Location"]).get_data(as_text=True)


def test_rename_follows_everywhere_and_is_audited(app, browser):
    meeting = _draft_with_abd(app)
    abd = _person(app, "ABD")
    page = browser.client.get("/personnes").get_data(as_text=True)
    assert f'href="/personnes/{abd.id}"' in page
    detail = browser.client.get(f"/personnes/{abd.id}").get_data(as_text=True)
    assert '<label for="rename-last_name">Nom</label>' in detail
    done = browser.form(
        f"/personnes/{abd.id}/renommer",
        {"last_name": "ABDELLI", "first_name": "Karim", "entity": "DNS"},
    )
    assert "ABD s&#39;appelle désormais Karim ABDELLI (DNS)" in _flash(browser, done)
    with app.app_context():
        s = db.session()
        renamed = s.get(Person, abd.id)
        assert (renamed.last_name, renamed.first_name, renamed.entity) == (
            "ABDELLI",
            "Karim",
            "DNS",
        )
        assert renamed.key == "abdelli|karim|dns"
        assert s.get(Meeting, meeting).organiser_id == abd.id
    view = browser.client.get(f"/reunions/{meeting}").get_data(as_text=True)
    assert "ABDELLI" in view
    [entry] = _audit(app, "person.rename")
    assert entry.object_id == str(abd.id) and entry.login == "admin"
    assert entry.before == {"last_name": "ABD", "first_name": "", "entity": ""}
    assert entry.after == {"last_name": "ABDELLI", "first_name": "Karim", "entity": "DNS"}


def test_rename_errors_are_clear_and_change_nothing(app, browser):
    _draft_with_abd(app)
    abd = _person(app, "ABD")
    cases = {
        "le nom est obligatoire": {"last_name": "  ", "first_name": "x", "entity": ""},
        "ce nom est déjà celui de Mathieu SLOSAR (ANS)": SLOSAR,
        "aucun changement": {"last_name": "ABD", "first_name": "", "entity": ""},
        "texte trop long": {"last_name": "A" * 201, "first_name": "", "entity": ""},
    }
    for message, data in cases.items():
        page = _flash(browser, browser.form(f"/personnes/{abd.id}/renommer", data))
        assert "Personne non renommée" in page and message in page, message
    assert _person(app, "ABD").key == abd.key
    assert _audit(app, "person.rename") == []
    assert browser.form("/personnes/999999/renommer", SLOSAR).status_code == 404
    no_token = browser.client.post(f"/personnes/{abd.id}/renommer", data={"last_name": "X"})
    assert no_token.status_code == 400
    assert _person(app, "ABD") is not None


def test_merge_moves_every_reference_keeps_the_old_name_and_is_audited(app, browser):
    meeting = _draft_with_abd(app)
    abd, slosar = _person(app, "ABD"), _person(app, "SLOSAR", "Mathieu")
    with app.app_context(), db.transaction() as s:
        user = s.exec(select(User).where(User.login == "member")).one()
        user.person_id = abd.id
    detail = browser.client.get(f"/personnes/{abd.id}").get_data(as_text=True)
    assert f'<option value="{slosar.id}">Mathieu SLOSAR (ANS)</option>' in detail
    page = _flash(browser, browser.form(f"/personnes/{abd.id}/fusionner", {"into": slosar.id}))
    assert "ABD est fusionnée dans Mathieu SLOSAR (ANS)" in page
    with app.app_context():
        s = db.session()
        assert s.get(Person, abd.id) is None
        assert s.get(Meeting, meeting).organiser_id == slosar.id
        people = s.exec(select(Participation.person_id).where(Participation.meeting_id == meeting))
        assert slosar.id in people.all()
        owners = s.exec(select(Action.owner_id).where(Action.meeting_id == meeting)).all()
        assert owners == [slosar.id]
        assert s.exec(select(User).where(User.login == "member")).one().person_id == slosar.id
        [alias] = s.exec(select(PersonAlias)).all()
        assert (alias.person_id, alias.merged_id, alias.last_name, alias.merged_by) == (
            slosar.id,
            abd.id,
            "ABD",
            "admin",
        )
        # the same spelling typed again finds the person kept
        again = find_or_create(s, {"last_name": "abd"}, visible=Person.id == slosar.id)
        assert again.id == slosar.id
    [entry] = _audit(app, "person.merge")
    assert entry.before["merged"] == {
        "id": abd.id,
        "last_name": "ABD",
        "first_name": "",
        "entity": "",
    }
    assert entry.after["kept"]["id"] == slosar.id
    assert entry.after["references"]["actions"] == 1
    # the kept person's page tells its former name (admins)
    kept = browser.client.get(f"/personnes/{slosar.id}").get_data(as_text=True)
    assert "Anciens noms" in kept and f"ABD — n° {abd.id}" in kept


def test_merge_in_a_draft_where_both_took_part_keeps_one_participant(app, browser):
    doc = copy.deepcopy(draft_document()) | {"title": "Atelier doublon"}
    doc["participants"].append({**ABD, "attendance": "present"})
    meeting = import_doc(app, doc)
    abd, slosar = _person(app, "ABD"), _person(app, "SLOSAR", "Mathieu")
    browser.form(f"/personnes/{abd.id}/fusionner", {"into": slosar.id})
    with app.app_context():
        found = (
            db.session()
            .exec(select(Participation).where(Participation.meeting_id == meeting))
            .all()
        )
        assert [p.person_id for p in found].count(slosar.id) == 1
        assert abd.id not in [p.person_id for p in found]


def test_merge_errors_are_clear_and_change_nothing(app, browser):
    _draft_with_abd(app)
    abd, slosar = _person(app, "ABD"), _person(app, "SLOSAR", "Mathieu")
    with app.app_context():
        ans = (
            db.session()
            .exec(select(Person).where(Person.last_name == "", Person.entity != ""))
            .first()
        )
    cases = [
        (abd.id, abd.id, "ne peut pas être fusionnée avec elle-même"),
        (abd.id, "", "choisissez la personne à garder"),
        (abd.id, "999999", "personne inconnue"),
        (abd.id, "1e9", "personne inconnue"),
    ]
    if ans is not None:
        cases.append((abd.id, ans.id, "une organisation qu'avec une organisation"))
    for merged, into, message in cases:
        page = _flash(browser, browser.form(f"/personnes/{merged}/fusionner", {"into": into}))
        assert "Fusion refusée" in page and message in page, message
    # both in one validated meeting: it cannot lose a participant
    validated = copy.deepcopy(demo_document()) | {"title": "Atelier validé"}
    validated["participants"].append({**ABD, "attendance": "present"})
    import_doc(app, validated)
    page = _flash(browser, browser.form(f"/personnes/{abd.id}/fusionner", {"into": slosar.id}))
    assert "participent tous deux à la réunion validée « Atelier validé »" in page
    assert _person(app, "ABD") is not None
    assert _audit(app, "person.merge") == []


def test_a_validated_meetings_participant_follows_but_its_frozen_version_keeps_the_name(
    app, browser
):
    validated = copy.deepcopy(demo_document()) | {"title": "Atelier figé"}
    validated["participants"].append({**ABD, "attendance": "present"})
    with app.app_context(), db.write_session(db.engine()) as s:
        meeting = versions.import_document(s, validated).id  # frozen at once
    abd = _person(app, "ABD")
    with app.app_context():
        frozen = (
            db.session()
            .exec(select(MeetingVersion.source).where(MeetingVersion.meeting_id == meeting))
            .all()
        )
    assert len(frozen) == 1 and "ABD" in frozen[0]
    done = browser.form(
        f"/personnes/{abd.id}/renommer", {"last_name": "ABDELLI", "first_name": "", "entity": ""}
    )
    assert done.status_code == 302
    with app.app_context():
        s = db.session()
        assert s.get(Person, abd.id).last_name == "ABDELLI"
        after = s.exec(
            select(MeetingVersion.source).where(MeetingVersion.meeting_id == meeting)
        ).all()
    assert after == frozen  # the frozen Source still prints « ABD »
    page = browser.client.get(f"/reunions/{meeting}").get_data(as_text=True)
    assert "ABDELLI" in page  # the participant record names the person as they are now


def test_a_rapporteur_renames_and_merges_only_people_they_may_see(app, client):
    w = _world(app)
    attacker = _attacker(client)
    own = _person(app, "SLOSAR", "Mathieu")
    hidden = w["hidden"]
    assert attacker.client.get(f"/personnes/{hidden}").status_code == 404
    page = attacker.client.get(f"/personnes/{own.id}").get_data(as_text=True)
    assert SECRET["last_name"] not in page and "Anciens noms" not in page
    renamed = attacker.form(f"/personnes/{hidden}/renommer", {"last_name": "PIRATE"})
    assert renamed.status_code == 404
    assert attacker.form(f"/personnes/{hidden}/fusionner", {"into": own.id}).status_code == 404
    into_hidden = attacker.form(f"/personnes/{own.id}/fusionner", {"into": hidden})
    assert "personne inconnue" in _flash(attacker, into_hidden)
    for word in SECRET.values():
        assert word not in _flash(attacker, into_hidden)
    with app.app_context():
        s = db.session()
        assert s.get(Person, hidden).last_name == SECRET["last_name"]
        assert s.get(Person, own.id) is not None
    # renaming to the hidden person's names is not refused as « taken »: it would tell
    names = {k: SECRET[k] for k in ("last_name", "first_name", "entity")}
    done = attacker.form(f"/personnes/{own.id}/renommer", names)
    assert "désormais" in _flash(attacker, done)
    # a member or a reader manages nobody
    for login in ("member", "reader"):
        other = Browser(app.test_client()).login(login)
        assert other.client.get(f"/personnes/{own.id}").status_code == 403
        assert other.form(f"/personnes/{own.id}/renommer", {"last_name": "X"}).status_code == 403


def test_command_line_rename_and_merge(app):
    _draft_with_abd(app)
    abd, slosar = _person(app, "ABD"), _person(app, "SLOSAR", "Mathieu")
    out = rida(app, "rename", str(abd.id), "--prenom", "Karim")
    assert "ABD → Karim ABD" in out.stdout
    refused = rida(app, "merge", str(abd.id), str(abd.id), code=1)
    assert "elle-même" in refused.stderr
    out = rida(app, "merge", str(abd.id), str(slosar.id))
    assert "fusionnée dans Mathieu SLOSAR (ANS)" in out.stdout
    assert _person(app, "ABD") is None
    unknown = rida(app, "merge", "999999", str(slosar.id), code=1)
    assert "personne 999999 inconnue" in unknown.stderr
    [entry] = _audit(app, "person.merge")
    assert entry.ip == "cli"


def test_merging_organisations_moves_their_members_once(app, browser):
    """« A.N.S » typed by mistake, merged into « ANS »: its member accounts follow (an
    account member of both stays a member once)."""
    import_doc(app, draft_document())
    with app.app_context(), db.transaction() as s:
        typo = find_or_create(s, {"entity": "A.N.S"}, visible=Person.id.is_not(None))
        [ans] = s.exec(select(Person).where(Person.last_name == "", Person.entity == "ANS")).all()
        users = {u.login: u.id for u in s.exec(select(User)).all()}
        s.add(OrganisationMember(user_id=users["reader"], organisation_id=typo.id))
        s.add(OrganisationMember(user_id=users["member"], organisation_id=typo.id))
        s.add(OrganisationMember(user_id=users["member"], organisation_id=ans.id))
        typo_id, ans_id = typo.id, ans.id
    _flash(browser, browser.form(f"/personnes/{typo_id}/fusionner", {"into": str(ans_id)}))
    with app.app_context():
        rows = db.session().exec(select(OrganisationMember)).all()
        assert sorted((r.user_id, r.organisation_id) for r in rows) == sorted(
            [(users["reader"], ans_id), (users["member"], ans_id)]
        )
    [merged] = _audit(app, "person.merge")
    assert merged.after["references"]["members"] == 2
