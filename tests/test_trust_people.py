"""Finding 1 of the outside attack (issue « Trust »): the people directory and the reminder
hijack, replayed over HTTP as the attacker would.

A rapporteur of another series took people by id (participant, organiser, rapporteur,
action owner) for N = 1, 2, 3…, read the name, entity and function of people named only
in confidential meetings, then set their e-mail address and received their reminders,
titles of confidential meetings included.
"""

from __future__ import annotations

import copy

from sqlmodel import select

from rida import db
from rida.models import AuditEntry, Meeting, Participation, Person, SeriesMember, User
from tests.conftest import Browser, demo_document, import_doc
from tests.test_remind import action, remind, smtp, url  # noqa: F401  (smtp: a fixture)

SECRET = {
    "last_name": "QZCACHE",
    "first_name": "Hélène",
    "entity": "QZENTITE",
    "function": "QZFONCTION",
}
WORD = "QZTOPSECRET"  # only in the confidential meeting's title and its action
UNKNOWN = 999_999
VICTIM_MAIL = "helene.qzcache@esante.gouv.fr"


def _doc(title: str, series: str, classification: str, date: str = "2030-04-01") -> dict:
    doc = copy.deepcopy(demo_document())
    doc.update(
        title=title,
        series=series,
        classification=classification,
        status="draft",
        version="0.1",
        date=date,
        actions=[],
    )
    return doc


def _world(app) -> dict[str, int]:
    """A confidential meeting of a series the rapporteur is not in, naming a person nowhere
    else (address set by an admin), and the rapporteur's own meeting in their own series."""
    secret = _doc(f"Comité {WORD}", "Série confidentielle", "confidential")
    secret["participants"] = [{**SECRET, "attendance": "present"}]
    secret["actions"] = [action(f"Préparer {WORD}", "2030-05-02", SECRET)]
    secret_id = import_doc(app, secret)
    own_id = import_doc(app, _doc("Atelier du rapporteur", "Série du rapporteur", "restricted"))
    with app.app_context(), db.transaction() as s:
        hidden = s.exec(select(Person).where(Person.last_name == SECRET["last_name"])).one()
        hidden.email = VICTIM_MAIL
        rapporteur = s.exec(select(User).where(User.login == "rapporteur")).one()
        series_id = s.get(Meeting, own_id).series_id
        s.add(SeriesMember(series_id=series_id, user_id=rapporteur.id))
        return {"secret": secret_id, "own": own_id, "hidden": hidden.id}


def _attacker(client) -> Browser:
    return Browser(client).login("rapporteur")


def _participants(app, meeting_id: int) -> set[int]:
    with app.app_context():
        found = db.session().exec(
            select(Participation.person_id).where(Participation.meeting_id == meeting_id)
        )
        return set(found.all())


def _same_as_unknown(send, hidden: int) -> dict:
    """``send(person_id)`` answers for a hidden person exactly as for an unknown id."""
    refused, unknown = send(hidden), send(UNKNOWN)
    assert refused.status_code == unknown.status_code == 400, refused.get_json()
    assert refused.get_json() == unknown.get_json()
    text = refused.get_data(as_text=True)
    assert "personne inconnue" in text
    for leak in SECRET.values():
        assert leak not in text
    return refused.get_json()


def test_a_hidden_person_cannot_be_added_as_participant_by_id(app, client):
    w = _world(app)
    attacker = _attacker(client)
    url_ = f"/api/meetings/{w['own']}/participants"
    _same_as_unknown(lambda pid: attacker.json("POST", url_, {"person_id": pid}), w["hidden"])
    assert w["hidden"] not in _participants(app, w["own"])
    # a person the rapporteur may see (named in a public meeting) is accepted by id
    public = _doc("Atelier public", "Série publique", "public")
    public["participants"].append(
        {"last_name": "QZPUBLIC", "first_name": "Pierre", "entity": "ANS", "attendance": "present"}
    )
    import_doc(app, public)
    with app.app_context():
        seen = db.session().exec(select(Person.id).where(Person.last_name == "QZPUBLIC")).one()
    added = attacker.json("POST", url_, {"person_id": seen})
    assert added.status_code == 201, added.get_json()
    assert seen in _participants(app, w["own"])


def test_a_hidden_person_cannot_be_organiser_or_rapporteur_of_ones_meeting(app, client):
    w = _world(app)
    attacker = _attacker(client)
    for field in ("organiser_id", "rapporteur_id"):
        _same_as_unknown(
            lambda pid, field=field: attacker.json(
                "PATCH", f"/api/meetings/{w['own']}", {"fields": {field: pid}}
            ),
            w["hidden"],
        )
        # nor through the value the editor says they saw (a lookup would tell it exists)
        base = attacker.json(
            "PATCH",
            f"/api/meetings/{w['own']}",
            {"fields": {"location": "Visio"}, "base": {field: w["hidden"]}},
        )
        assert base.status_code in (200, 409)
        assert SECRET["last_name"] not in base.get_data(as_text=True)
    page = attacker.client.get(f"/reunions/{w['own']}").get_data(as_text=True)
    assert SECRET["last_name"] not in page


def test_a_hidden_person_cannot_own_an_action_by_id(app, client):
    w = _world(app)
    attacker = _attacker(client)
    actions_url = f"/api/meetings/{w['own']}/actions"
    body = _same_as_unknown(
        lambda pid: attacker.json(
            "POST",
            actions_url,
            {"uid": f"action-{pid}", "fields": {"title": "Relance", "owner_id": pid}},
        ),
        w["hidden"],
    )
    assert body["errors"][0]["path"].endswith("owner_id")
    made = attacker.json("POST", actions_url, {"uid": "action-ok", "fields": {"title": "Relance"}})
    assert made.status_code == 201, made.get_json()
    revision = made.get_json()["action"]["revision"]
    _same_as_unknown(
        lambda pid: attacker.json(
            "PATCH",
            f"{actions_url}/action-ok",
            {"revision": revision, "fields": {"owner_id": pid}},
        ),
        w["hidden"],
    )


def test_a_hidden_namesake_is_not_reused_when_a_name_is_typed(app, client):
    """Finding 1, by name: typing the hidden person's name creates another person (with
    none of the hidden one's details) rather than reusing the hidden one."""
    w = _world(app)
    attacker = _attacker(client)
    names = {k: SECRET[k] for k in ("last_name", "first_name", "entity")}
    added = attacker.json("POST", f"/api/meetings/{w['own']}/participants", names)
    assert added.status_code == 201, added.get_json()
    participant = added.get_json()["participant"]
    assert participant["person_id"] != w["hidden"]
    assert "QZFONCTION" not in added.get_data(as_text=True)
    owner = attacker.json(
        "POST",
        f"/api/meetings/{w['own']}/actions",
        {"uid": "action-name", "fields": {"title": "Relance", "owner": names}},
    )
    assert owner.status_code == 201, owner.get_json()
    # the same (now visible) duplicate is reused, not the hidden person
    assert owner.get_json()["action"]["owner"]["id"] == participant["person_id"]
    # a rida/1 document imported by the rapporteur matches names the same way
    doc = _doc("Atelier importé", "Série du rapporteur", "restricted")
    doc["organiser"] = {**names, "function": None}
    doc["rapporteur"] = {**names, "function": None}
    doc["participants"].append({**names, "function": None, "attendance": "present"})
    created = attacker.json("POST", "/api/meetings", doc)
    assert created.status_code == 201, created.get_json()
    meeting_id = created.get_json()["id"]
    with app.app_context():
        s = db.session()
        namesakes = s.exec(select(Person).where(Person.last_name == SECRET["last_name"])).all()
        # the hidden one, and the one typed: the rapporteur sees it, the import reuses it
        assert sorted(p.id for p in namesakes) == sorted([w["hidden"], participant["person_id"]])
        imported = _participants(app, meeting_id)
        assert w["hidden"] not in imported
        meeting = s.get(Meeting, meeting_id)
        assert meeting.organiser_id == meeting.rapporteur_id == participant["person_id"]
        assert meeting.organiser_id in imported
    assert w["hidden"] not in _participants(app, w["own"])
    # the admin sees every namesake
    admin = Browser(app.test_client()).login("admin")
    directory = admin.client.get("/personnes").get_data(as_text=True)
    assert directory.count('<th scope="row">Hélène QZCACHE (QZENTITE)</th>') == 2
    # a new name repeated in an imported document (organiser, rapporteur, participant) is
    # one new person, though not yet visible while the document is read
    newcomer = {"last_name": "QZNEUF", "first_name": "Ana", "entity": "ANS", "function": None}
    doc = _doc("Atelier suivant", "Série du rapporteur", "restricted")
    doc.update(organiser=newcomer, rapporteur=newcomer)
    doc["participants"].append({**newcomer, "attendance": "present"})
    assert attacker.json("POST", "/api/meetings", doc).status_code == 201
    with app.app_context():
        found = db.session().exec(select(Person).where(Person.last_name == "QZNEUF")).all()
    assert len(found) == 1


def test_only_an_admin_or_the_person_sets_an_address(app, client):
    w = _world(app)
    attacker = _attacker(client)
    hijack = attacker.form(f"/personnes/{w['hidden']}/email", {"email": "pirate@example.org"})
    unknown = attacker.form(f"/personnes/{UNKNOWN}/email", {"email": "pirate@example.org"})
    assert hijack.status_code == unknown.status_code == 404
    with app.app_context():
        s = db.session()
        own_people = s.exec(
            select(Person).join(Participation).where(Participation.meeting_id == w["own"])
        ).all()
    visible = next(p for p in own_people if p.last_name)
    # visible, but not theirs: 403, and the page offers no form
    refused = attacker.form(f"/personnes/{visible.id}/email", {"email": "pirate@example.org"})
    assert refused.status_code == 403
    page = attacker.client.get("/personnes").get_data(as_text=True)
    assert f'id="personne-{visible.id}"' in page and f'for="email-{visible.id}"' not in page
    assert f'id="personne-{w["hidden"]}"' not in page
    with app.app_context():
        s = db.session()
        assert s.get(Person, w["hidden"]).email == VICTIM_MAIL
        assert s.get(Person, visible.id).email == ""
        # the member's account is the visible person's own
        member = s.exec(select(User).where(User.login == "member")).one()
    with app.app_context(), db.transaction() as s:
        s.get(User, member.id).person_id = visible.id
    own = Browser(app.test_client()).login("member")
    done = own.form(f"/personnes/{visible.id}/email", {"email": "moi@esante.gouv.fr"})
    assert done.status_code == 302
    assert own.form(f"/personnes/{w['hidden']}/email", {"email": "x@y.fr"}).status_code == 404
    admin = Browser(app.test_client()).login("admin")
    assert f'for="email-{w["hidden"]}"' in admin.client.get("/personnes").get_data(as_text=True)
    fixed = admin.form(f"/personnes/{w['hidden']}/email", {"email": "h.qzcache@esante.gouv.fr"})
    assert fixed.status_code == 302
    with app.app_context():
        s = db.session()
        assert s.get(Person, visible.id).email == "moi@esante.gouv.fr"
        assert s.get(Person, w["hidden"]).email == "h.qzcache@esante.gouv.fr"
        entries = s.exec(
            select(AuditEntry).where(
                AuditEntry.object_type == "person", AuditEntry.action == "update"
            )
        ).all()
    changes = {(e.login, e.object_id, (e.after or {}).get("email")) for e in entries}
    assert ("member", str(visible.id), "moi@esante.gouv.fr") in changes
    assert ("admin", str(w["hidden"]), "h.qzcache@esante.gouv.fr") in changes


def test_a_reminder_holds_only_what_its_recipient_may_read(app, client, smtp):  # noqa: F811
    """The attack's end: the hidden person's address set to the attacker's (here by the
    admin, as the attacker can no longer do it); the reminder must not carry the
    confidential meeting, the person having no account to read it."""
    box, port = smtp
    w = _world(app)
    public = _doc("Atelier ouvert", "Série publique", "public")
    public["participants"].append({**SECRET, "attendance": "present"})
    public["actions"] = [action("Relire la note publique", "2030-05-03", SECRET)]
    import_doc(app, public)
    with app.app_context(), db.transaction() as s:
        # both namesakes of the import from the command line are one person
        assert len(s.exec(select(Person).where(Person.last_name == "QZCACHE")).all()) == 1
        s.get(Person, w["hidden"]).email = "pirate@example.org"
    result = remind(app, smtp_url=url(port))
    assert result.exit_code == 0, result.output
    mail = box.to("pirate@example.org")
    whole = mail.as_string() + mail.get_body(("plain",)).get_content()
    whole += mail.get_body(("html",)).get_content()
    assert "Relire la note publique" in whole
    assert WORD not in whole and "Comité" not in whole
    assert WORD not in result.output
    assert "réunions non publiques, personne sans compte actif : actions omises" in result.output
    dry = remind(app, "--dry-run").stdout
    assert "Ignoré : Hélène QZCACHE (réunions non publiques" in dry and "— 1 action" in dry
    assert WORD not in dry
    # with an account linked to the person that reads the confidential meeting (a
    # participant), the reminder holds it
    with app.app_context(), db.transaction() as s:
        s.exec(select(User).where(User.login == "member")).one().person_id = w["hidden"]
    box.messages.clear()
    assert remind(app, smtp_url=url(port)).exit_code == 0
    assert WORD in box.to("pirate@example.org").get_body(("plain",)).get_content()
