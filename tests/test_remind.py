"""``rida remind``: digests of overdue and soon-due actions, sent to a real SMTP server
(aiosmtpd) listening on the loopback interface, read back with the ``email`` package."""

from __future__ import annotations

import copy
import json
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from click.testing import CliRunner, Result
from sqlmodel import select

from rida import db, mailer
from rida.cli import main
from rida.models import Action, Meeting, OrganisationMember, Person, SeriesMember, User
from tests.conftest import draft_document, import_doc

BASE = "https://rida.example.org"
# aiosmtpd itself sets its deprecated Session.login_data after a successful AUTH.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Session.login_data is deprecated:DeprecationWarning"
)


class Mailbox:
    """What the SMTP server received; refuses the recipients listed in ``refused``."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.refused: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        if address in self.refused:
            return "550 5.1.1 Boite inconnue"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        assert session.authenticated
        self.messages.append(
            (
                envelope.rcpt_tos,
                message_from_bytes(envelope.original_content, policy=policy.default),
            )
        )
        return "250 OK"

    def to(self, address: str) -> EmailMessage:
        [found] = [m for rcpt, m in self.messages if rcpt == [address]]
        return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = (auth_data.login, auth_data.password) == (b"rida", b"p@ss w")
    return AuthResult(success=ok, handled=False)  # not handled: aiosmtpd answers 535


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    box, port = Mailbox(), free_port()
    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticate,
        auth_require_tls=False,
        ready_timeout=60,  # not aiosmtpd's 5 s: a loaded machine starts its thread slowly
    )
    controller.start()
    yield box, port
    controller.stop()


def action(title: str, due: str, owner: dict | None, status: str = "open") -> dict:
    return {
        "title": title,
        "kind": "other",
        "owner": owner,
        "due_date": due,
        "status": status,
        "rida": None,
        "notes": None,
    }


SLOSAR = {"last_name": "SLOSAR", "first_name": "Mathieu", "entity": "ANS"}
BRIS = {"last_name": "BRIS", "first_name": "Edouard", "entity": "ANS"}


@pytest.fixture
def actions(app) -> dict[str, int]:
    """Today is 2030-05-01: late, soon (within 7 days), later, done; skipped owners."""
    doc = copy.deepcopy(draft_document()) | {"date": "2030-04-01", "title": "Atelier 4"}
    doc["actions"] = [
        action("Modèle de coûts", "2030-04-20", SLOSAR),
        action("Atelier industriel", "2030-04-25", {"entity": "ANS"}),
        action("Exigences v2", "2030-05-05", BRIS),
        action("Plus tard", "2030-06-01", SLOSAR),
        action("Déjà fait", "2030-04-02", SLOSAR, "done"),
        action(
            "Relance LIFEN",
            "2030-04-30",
            {"last_name": "DUPONT", "first_name": "Jeanne", "entity": "LIFEN"},
        ),
    ]
    meeting = import_doc(app, doc)
    secret = copy.deepcopy(doc) | {
        "title": "Entretien",
        "classification": "confidential",
        "actions": [action("Entretien CEGEDIM", "2030-05-02", BRIS, "in_progress")],
    }
    secret_id = import_doc(app, secret)
    with app.app_context(), db.transaction() as s:
        for person in s.exec(select(Person)).all():
            person.email = {
                "SLOSAR": "mathieu.slosar@esante.gouv.fr",
                "BRIS": " edouard.bris@esante.gouv.fr ",
            }.get(person.last_name, "")
        ids = {a.title: a.id for a in s.exec(select(Action)).all()}
        # BRIS has an account, which reads the confidential meeting (he attended it):
        # his reminder may name it (see tests/test_trust_people.py for one that may not)
        bris = s.exec(select(Person).where(Person.last_name == "BRIS")).one()
        s.exec(select(User).where(User.login == "member")).one().person_id = bris.id
    return {"meeting": meeting, "secret": secret_id, **ids}


def remind(app, *args: str, smtp_url: str | None = "", **env: str) -> Result:
    data = app.config["DATA_DIR"]
    result = CliRunner().invoke(
        main,
        ["remind", "--today", "2030-05-01", *args],
        env={
            "RIDA_DATA_DIR": str(data),
            "RIDA_DATABASE_URL": f"sqlite:///{data / 'rida.sqlite3'}",
            "RIDA_EXPORT_DIR": str(data.parent / "exports"),
            "RIDA_SECRET_KEY": "test",
            "RIDA_BASE_URL": BASE,
            "RIDA_MAIL_FROM": "rida@esante.gouv.fr",
            "RIDA_SMTP_URL": smtp_url,
            "RIDA_REMIND_DAYS": None,
            **env,
        },
        prog_name="rida",
    )
    if not isinstance(result.exception, (SystemExit, type(None))):
        raise result.exception
    assert "Traceback" not in result.stderr
    return result


def url(port: int) -> str:
    return f"smtp://rida:p%40ss%20w@127.0.0.1:{port}"


def link(ids: dict[str, int], meeting: str, title: str) -> str:
    return f"{BASE}/reunions/{ids[meeting]}#action-{ids[title]}"


def test_each_owner_with_an_email_gets_one_digest(app, actions, smtp):
    box, port = smtp
    result = remind(app, smtp_url=url(port))
    assert result.exit_code == 0, result.output
    assert sorted(rcpt for rcpt, _ in box.messages) == [
        ["edouard.bris@esante.gouv.fr"],
        ["mathieu.slosar@esante.gouv.fr"],
    ]
    slosar = box.to("mathieu.slosar@esante.gouv.fr")
    assert slosar["From"] == "rida@esante.gouv.fr"
    assert slosar["To"] == "Mathieu SLOSAR <mathieu.slosar@esante.gouv.fr>"
    assert slosar["Subject"] == "[rida] Vos actions : 1 en retard"
    text = slosar.get_body(("plain",)).get_content()
    assert text.startswith("Bonjour Mathieu SLOSAR,")
    assert "En retard (1)" in text and "- Modèle de coûts" in text
    assert "Échéance : 20/04/2030 (en retard de 11 jours) · À faire" in text
    assert "Task Force MSSanté — action 1 de « Atelier 4 » du 01/04/2030" in text
    assert link(actions, "meeting", "Modèle de coûts") in text
    for absent in ("Plus tard", "Déjà fait", "Exigences v2", "Entretien CEGEDIM"):
        assert absent not in text
    html = slosar.get_body(("html",)).get_content()
    assert f'<a href="{link(actions, "meeting", "Modèle de coûts")}">Modèle de coûts</a>' in html
    bris = box.to("edouard.bris@esante.gouv.fr")
    # BRIS's account is of the ANS (his entity): the ANS's action is his to follow too
    assert bris["Subject"] == "[rida] Vos actions : 1 en retard, 2 à échéance proche"
    text = bris.get_body(("plain",)).get_content()
    assert "une organisation dont vous êtes membre" in text
    assert "- Atelier industriel\r\n" in text and "  Porteur : ANS\r\n" in text
    assert "À échéance d'ici le 08/05/2030 (2)" in text
    # The confidential meeting's action goes to its owner, who may read it, and to nobody
    # else.
    assert link(actions, "secret", "Entretien CEGEDIM") in text
    assert text.index("Entretien CEGEDIM") < text.index("Exigences v2")  # by due date
    out = result.stdout
    assert "Ignoré : ANS" not in out  # sent to its member
    assert "Ignoré : Jeanne DUPONT (pas d'adresse e-mail) — 1 action" in out
    assert "Envoyé à Mathieu SLOSAR <mathieu.slosar@esante.gouv.fr> : 1 action" in out
    assert "2 rappel(s) envoyé(s), 0 échec(s)." in out


CANARY = "CANARI-7f3e audit des habilitations"


def test_an_organisations_actions_reach_its_members_within_what_they_read(app, actions, smtp):
    """The ANS's actions go to its contact address and to the accounts of the ANS (BRIS by
    his entity, DUPONT of LIFEN made a member), each only what they may read: the ANS's
    action of a restricted meeting none of them reads is in no e-mail and no output."""
    box, port = smtp
    restricted = copy.deepcopy(draft_document()) | {
        "series": "TF restreinte",
        "title": "Atelier restreint",
        "classification": "restricted",
        "participants": [p for p in draft_document()["participants"] if p["entity"] == "DNS"],
        "actions": [action(CANARY, "2030-04-28", {"entity": "ANS"})],
    }
    restricted_id = import_doc(app, restricted)
    with app.app_context(), db.transaction() as s:
        [ans] = s.exec(select(Person).where(Person.last_name == "", Person.entity == "ANS")).all()
        ans.email = "contact@ans.example.fr"
        dupont = s.exec(select(Person).where(Person.last_name == "DUPONT")).one()
        dupont.email = "jeanne.dupont@lifen.fr"
        reader = s.exec(select(User).where(User.login == "reader")).one()
        reader.person_id = dupont.id
        s.add(OrganisationMember(user_id=reader.id, organisation_id=ans.id))
    result = remind(app, smtp_url=url(port))
    assert result.exit_code == 0, result.output
    assert sorted(rcpt[0] for rcpt, _ in box.messages) == [
        "contact@ans.example.fr",
        "edouard.bris@esante.gouv.fr",
        "jeanne.dupont@lifen.fr",
        "mathieu.slosar@esante.gouv.fr",
    ]
    for rcpt in ("contact@ans.example.fr", "edouard.bris@esante.gouv.fr", "jeanne.dupont@lifen.fr"):
        text = box.to(rcpt).get_body(("plain",)).get_content()
        assert "- Atelier industriel" in text, rcpt
    contact = box.to("contact@ans.example.fr").get_body(("plain",)).get_content()
    assert "Porteur : ANS" not in contact and "Exigences v2" not in contact
    dupont_text = box.to("jeanne.dupont@lifen.fr").get_body(("plain",)).get_content()
    assert "- Relance LIFEN" in dupont_text and "Porteur : ANS" in dupont_text
    for _, msg in box.messages:
        assert CANARY not in msg.as_string() and "restreint" not in msg.as_string()
    assert CANARY not in result.output
    assert "Ignoré : ANS (organisation : ni adresse ni membre à qui écrire) — 1 action" in (
        result.stdout
    )
    # Once BRIS's account is a member of that series, he reads it: the action is his too.
    box.messages.clear()
    with app.app_context(), db.transaction() as s:
        member = s.exec(select(User).where(User.login == "member")).one()
        series_id = s.get(Meeting, restricted_id).series_id
        s.add(SeriesMember(series_id=series_id, user_id=member.id))
    assert remind(app, smtp_url=url(port)).exit_code == 0
    assert CANARY in box.to("edouard.bris@esante.gouv.fr").get_body(("plain",)).get_content()
    assert CANARY not in box.to("jeanne.dupont@lifen.fr").as_string()
    assert CANARY not in box.to("contact@ans.example.fr").as_string()


def test_dry_run_says_who_would_receive_what_and_sends_nothing(app, actions, smtp):
    box, _ = smtp
    result = remind(app, "--dry-run", smtp_url=None)  # no server needed
    assert result.exit_code == 0, result.output
    assert box.messages == []
    out = result.stdout
    assert "À Edouard BRIS <edouard.bris@esante.gouv.fr> : 3 actions (1 en retard)" in out
    assert f"  - [en retard] 20/04/2030 Modèle de coûts (action {actions['meeting']}/1)" in out
    assert "Vérification seule : 2 rappels à envoyer, rien n'a été envoyé." in out
    later = remind(app, "--dry-run", "--days", "31").stdout
    assert "Plus tard" in later and "d'ici le 01/06/2030" in later
    assert "Plus tard" in remind(app, "--dry-run", RIDA_REMIND_DAYS="31").stdout
    none_soon = remind(app, "--dry-run", "--days", "0").stdout
    assert "Exigences v2" not in none_soon and "Modèle de coûts" in none_soon


def test_a_refused_recipient_does_not_stop_the_others(app, actions, smtp):
    box, port = smtp
    box.refused.add("edouard.bris@esante.gouv.fr")
    result = remind(app, smtp_url=url(port))
    assert result.exit_code == 1
    assert [rcpt for rcpt, _ in box.messages] == [["mathieu.slosar@esante.gouv.fr"]]
    assert (
        "Échec de l'envoi à Edouard BRIS <edouard.bris@esante.gouv.fr> "
        f"(smtp://127.0.0.1:{port}) : destinataire refusé par le serveur (550 "
        "5.1.1 Boite inconnue)"
    ) in result.stderr
    assert "p%40ss" not in result.output and "p@ss" not in result.output
    assert "1 rappel(s) envoyé(s), 1 échec(s)." in result.stdout


def test_unreachable_server_wrong_password_and_bad_settings(app, actions, smtp):
    _, port = smtp
    down = remind(app, smtp_url=f"smtp://127.0.0.1:{free_port()}")
    assert down.exit_code == 1 and "serveur injoignable" in down.stderr
    wrong = remind(app, smtp_url=f"smtp://rida:nope@127.0.0.1:{port}")
    assert wrong.exit_code == 1 and "authentification refusée" in wrong.stderr
    for value, path, message in (
        (None, "RIDA_SMTP_URL", "réglage absent"),
        ("http://h", "RIDA_SMTP_URL", "schéma « http » inconnu"),
        ("smtp://h:port", "RIDA_SMTP_URL", "port invalide"),
    ):
        refused = remind(app, smtp_url=value)
        assert refused.exit_code == 1
        error = json.loads(refused.stderr[refused.stderr.index("{") :])["errors"][0]
        assert error["path"] == path and message in error["message"]
    days = remind(app, "--dry-run", RIDA_REMIND_DAYS="une semaine")
    assert days.exit_code == 1 and '"path": "RIDA_REMIND_DAYS"' in days.stderr
    assert remind(app, "--days", "-1").exit_code == 2
    assert remind(app, "--today", "01/05/2030").exit_code == 2


def test_smtp_urls():
    assert mailer.parse_url("smtp://mail.local") == mailer.SmtpServer("smtp", "mail.local", 25)
    assert mailer.parse_url("smtp+starttls://u%40x:p%3Aw@smtp.fr").port == 587
    assert mailer.parse_url("smtp+starttls://u%40x:p%3Aw@smtp.fr").username == "u@x"
    assert mailer.parse_url("smtp+starttls://u%40x:p%3Aw@smtp.fr").password == "p:w"
    assert str(mailer.parse_url("smtps://u:secret@smtp.fr:2465")) == "smtps://smtp.fr:2465"


def test_person_email_is_set_from_the_command_line(app, actions):
    with app.app_context():
        ans = (
            db.session()
            .exec(select(Person.id).where(Person.last_name == "", Person.entity == "ANS"))
            .one()
        )
        dupont = db.session().exec(select(Person.id).where(Person.last_name == "DUPONT")).one()
    run = CliRunner().invoke
    env = {
        "RIDA_DATA_DIR": str(app.config["DATA_DIR"]),
        "RIDA_SECRET_KEY": "test",
        "RIDA_DATABASE_URL": None,
        "RIDA_EXPORT_DIR": str(app.config["EXPORT_DIR"]),
    }
    done = run(main, ["person", "email", str(dupont), "jeanne.dupont@lifen.fr"], env=env)
    assert done.exit_code == 0 and "Jeanne DUPONT (LIFEN) : jeanne.dupont@lifen.fr" in done.stdout
    listed = json.loads(run(main, ["person", "list", "--json"], env=env).stdout)
    assert {
        "id": dupont,
        "label": "Jeanne DUPONT (LIFEN)",
        "email": "jeanne.dupont@lifen.fr",
        "organisation": False,
    } in listed
    assert "À Jeanne DUPONT <jeanne.dupont@lifen.fr>" in remind(app, "--dry-run").stdout
    # An organisation has a contact address: its reminders go there too
    done = run(main, ["person", "email", str(ans), "contact@esante.gouv.fr"], env=env)
    assert done.exit_code == 0 and "ANS : contact@esante.gouv.fr" in done.stdout
    assert (
        "À ANS <contact@esante.gouv.fr> : 1 action (1 en retard)" in remind(app, "--dry-run").stdout
    )
    for args, path in (
        (["email", str(ans), "contact@"], "address"),
        (["email", "999", "a@b.fr"], "person_id"),
        (["email", str(dupont), "pas une adresse"], "address"),
    ):
        refused = run(main, ["person", *args], env=env)
        assert refused.exit_code == 1 and f'"path": "{path}"' in refused.stderr


def test_a_series_manager_gets_the_whole_series_digest_with_his_rights(app, actions, smtp):
    """reader, a member of the series who attended nothing, asks the series' digest: every
    owner's late and soon-due actions, but not the confidential meeting's (canary)."""
    from rida.meetings.people import person_key
    from rida.models import Meeting, SeriesMember

    box, port = smtp
    with app.app_context(), db.transaction() as s:
        manager = Person(
            key=person_key("CHEF", "Paule", "ANS"),
            last_name="CHEF",
            first_name="Paule",
            entity="ANS",
            email="paule.chef@esante.gouv.fr",
        )
        s.add(manager)
        s.flush()
        reader = s.exec(select(User).where(User.login == "reader")).one()
        reader.person_id = manager.id
        series_id = s.get(Meeting, actions["meeting"]).series_id
        s.add(SeriesMember(series_id=series_id, user_id=reader.id))
    args = ("--series", "task force mssanté", "--to", "reader")
    result = remind(app, *args, smtp_url=url(port))
    assert result.exit_code == 0, result.output
    assert [rcpt for rcpt, _ in box.messages] == [["paule.chef@esante.gouv.fr"]]
    msg = box.to("paule.chef@esante.gouv.fr")
    assert msg["Subject"] == (
        "[rida] Actions de la série Task Force MSSanté : 3 en retard, 1 à échéance proche"
    )
    text = msg.get_body(("plain",)).get_content()
    for title in ("Modèle de coûts", "Atelier industriel", "Exigences v2", "Relance LIFEN"):
        assert title in text
    assert "Porteur : Mathieu SLOSAR" in text and "tous porteurs confondus" in text
    for absent in ("Entretien CEGEDIM", "Plus tard", "Déjà fait"):
        assert absent not in text and absent not in msg.get_body(("html",)).get_content()
    # not a member of the series: refused, nothing sent
    refused = remind(app, "--series", "Task Force MSSanté", "--to", "member", smtp_url=url(port))
    assert refused.exit_code == 1 and "--to" in refused.output and len(box.messages) == 1
    alone = remind(app, "--series", "Task Force MSSanté", "--dry-run")
    assert alone.exit_code == 1 and "--to" in alone.output
