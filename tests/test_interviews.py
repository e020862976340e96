"""Bilateral interviews: an action of kind bilateral_interview opens (once) a confidential
meeting of its series; validating that meeting's minutes offers to close the action."""

from __future__ import annotations

import datetime as dt
import re

from click.testing import CliRunner
from sqlmodel import select

from rida import db
from rida.actions import action_status, interviews
from rida.circuit import versions
from rida.cli import main
from rida.models import Action, Meeting, Participation, Person, RidaRow, User
from tests.conftest import Browser


def action_id(app, kind: str = "bilateral_interview") -> int:
    with app.app_context(), db.write_session(db.engine()) as s:
        return s.exec(select(Action.id).where(Action.kind == kind)).first()


def load(app, model, ident):  # type: ignore[no-untyped-def]
    with app.app_context(), db.write_session(db.engine()) as s:
        obj = s.get(model, ident)
        s.expunge(obj)
        return obj


def open_form(browser: Browser, ident: int):  # type: ignore[no-untyped-def]
    action = load(browser.client.application, Action, ident)
    return browser.form(f"/reunions/{action.meeting_id}/actions/{action.uid}/entretien", {})


def ready_to_validate(app, meeting_id: int) -> None:
    """An interview's minutes need an organiser and a rapporteur to be validated."""
    with app.app_context(), db.transaction() as s:
        meeting = s.get(Meeting, meeting_id)
        owner = s.exec(
            select(Participation.person_id).where(Participation.meeting_id == meeting_id)
        ).one()
        meeting.organiser_id = meeting.rapporteur_id = owner


def test_read_view_offers_the_button_with_csrf(app, browser, demo_meeting):
    page = browser.client.get(f"/reunions/{demo_meeting}").get_data(as_text=True)
    action = load(app, Action, action_id(app))
    url = f"/reunions/{demo_meeting}/actions/{action.uid}/entretien"
    assert re.search(
        f'<form method="post" class="interview-form" action="{url}">'
        r'\s*<input type="hidden" name="csrf_token"',
        page,
    )
    assert page.count("Ouvrir l'entretien bilatéral") == 1  # only the bilateral one
    # Without the token, nothing is created.
    assert browser.client.post(url).status_code == 400


def test_opening_creates_the_meeting_once(app, browser, demo_meeting):
    ident = action_id(app)
    first = open_form(browser, ident)
    assert first.status_code == 302
    new_id = int(re.search(r"/reunions/(\d+)/modifier$", first.location).group(1))
    meeting = load(app, Meeting, new_id)
    origin = load(app, Meeting, demo_meeting)
    # named after whom it is with (« … avec les opérateurs pour … »), not the owner's ANS
    assert (meeting.title, meeting.meeting_type, meeting.classification) == (
        "Entretien bilatéral — les opérateurs",
        "Entretien bilatéral",
        "confidential",
    )
    assert meeting.series_id == origin.series_id and meeting.date == dt.date(2022, 2, 4)
    assert meeting.subject.startswith("Entretiens bilatéraux avec les opérateurs")
    assert load(app, Action, ident).linked_meeting_id == new_id
    assert meeting.organiser_id == origin.organiser_id is not None  # the meeting's organiser
    with app.app_context(), db.write_session(db.engine()) as s:
        people = s.exec(
            select(Person.last_name).join(Participation).where(Participation.meeting_id == new_id)
        ).all()
        assert people == ["SLOSAR"]
    again = open_form(browser, ident)
    assert again.location == first.location
    with app.app_context(), db.write_session(db.engine()) as s:
        assert len(s.exec(select(Meeting)).all()) == 2
    page = browser.client.get(f"/reunions/{demo_meeting}").get_data(as_text=True)
    assert (
        f'Entretien bilatéral : <a href="/reunions/{new_id}">Entretien bilatéral — les opérateurs'
        in page
        and "Ouvrir l'entretien bilatéral" not in page
    )
    # and back: the interview comes from action 1 of the workshop, in its page and editor
    back = (
        f'Issu de l\'<a href="/reunions/{demo_meeting}#action-{ident}">action 1 de '
        f"« {origin.title} » du 07/01/2022</a>"
    )
    for path in (f"/reunions/{new_id}", f"/reunions/{new_id}/modifier"):
        assert back in browser.client.get(path).get_data(as_text=True), path


def test_title_date_and_rapporteur_fallbacks(app, demo_meeting):
    ident = action_id(app)
    with app.app_context(), db.transaction() as s:
        action = s.get(Action, ident)
        action.owner_id, action.due_date, action.row_id = None, None, None
        action.title = "Recueillir les éléments de coûts"  # names no one
        person = Person(key="x", last_name="ABDICHE", first_name="Samy")
        s.add(person)
        s.flush()
        user = s.exec(select(User).where(User.login == "rapporteur")).one()
        user.person_id = person.id
        meeting, created = interviews.open_interview(s, action, user, dt.date(2022, 3, 1))
        assert created and meeting.title == f"Entretien bilatéral — {action.title}"
        assert meeting.date == dt.date(2022, 3, 1) and meeting.rapporteur_id == person.id
        assert interviews.interview_title(action, person) == f"Entretien bilatéral — {action.title}"


def test_counterpart_is_whom_the_interview_is_with_never_the_owners_organisation():
    ans = Person(key="s", last_name="SLOSAR", first_name="Mathieu", entity="ANS")

    def of(title: str, question: str = "", answer: str = "") -> str:
        row = RidaRow(meeting_id=1, number=1, question=question, answer=answer)
        return interviews.counterpart(Action(meeting_id=1, title=title), ans, row)

    assert of("Entretien bilatéral avec ENOVACOM sur les coûts") == "ENOVACOM"
    assert of("Entretien avec Alain Dupont (DGOS) - coûts") == "Alain Dupont"
    assert of("Entretiens bilatéraux avec les opérateurs pour obtenir les coûts") == (
        "les opérateurs"
    )
    # no « avec »: the speakers of the RIDA row, the owner's organisation left out
    assert of("Recueillir les coûts", "ANS : rappel\nLIFEN : coûts\n- ENOVACOM : idem") == (
        "LIFEN / ENOVACOM"
    )
    assert of("Recueillir les coûts", "Pas d'orateur", "DNS : d'accord") == "DNS"
    assert of("Recueillir les coûts", "ANS : seul") == ""


def test_other_kinds_are_refused(app, browser, demo_meeting):
    response = open_form(browser, action_id(app, "workshop"))
    assert response.status_code == 302
    page = browser.client.get(response.location).get_data(as_text=True)
    assert "Entretien non ouvert : seule une action de type « Entretien bilatéral »" in page


def test_readers_may_not_open_and_unknown_is_404(app, client, demo_meeting):
    reader = Browser(client).login("reader")
    assert open_form(reader, action_id(app)).status_code == 403
    assert reader.form(f"/reunions/{demo_meeting}/actions/nope/entretien", {}).status_code == 404
    assert reader.form("/reunions/99/actions/nope/entretien", {}).status_code == 404
    assert load(app, Action, action_id(app)).linked_meeting_id is None


def test_validated_interview_offers_to_close_the_action(app, browser, demo_meeting):
    ident = action_id(app)
    new_id = int(
        re.search(r"/reunions/(\d+)/modifier", open_form(browser, ident).location).group(1)
    )
    page = browser.client.get(f"/reunions/{new_id}").get_data(as_text=True)
    assert "Clore l'action" not in page  # not before validation
    ready_to_validate(app, new_id)
    assert browser.form(f"/reunions/{new_id}/validation", {}).status_code == 302
    page = browser.client.get(f"/reunions/{new_id}").get_data(as_text=True)
    title = load(app, Action, ident).title
    assert f"Clore l'action « {title} »" in page
    assert "Compte-rendu de l&#39;entretien validé (v1.0)" in page
    closed = browser.form(f"/actions/{ident}/cloture-entretien", {})
    assert closed.location.endswith(f"/reunions/{new_id}#interview-actions")
    page = browser.client.get(closed.location).get_data(as_text=True)
    assert f"Action « {title} » close." in page and "Clore l'action" not in page
    assert browser.form(f"/actions/{ident}/cloture-entretien", {}).status_code == 302
    with app.app_context(), db.write_session(db.engine()) as s:
        events = action_status.history(s, ident)
        assert [(e.old_status, e.new_status, e.comment, e.user_name) for e in events] == [
            ("open", "done", "Compte-rendu de l'entretien validé (v1.0)", "admin")
        ]


def test_closing_before_validation_is_refused(app, browser, demo_meeting):
    ident = action_id(app)
    open_form(browser, ident)
    response = browser.form(f"/actions/{ident}/cloture-entretien", {})
    page = browser.client.get(response.location).get_data(as_text=True)
    assert "Action non close : le compte-rendu de l&#39;entretien n&#39;est pas validé." in page
    assert load(app, Action, ident).status == "open"


def test_cli_validate_prints_the_hint(app, tmp_path, demo_meeting):
    ident = action_id(app)
    with app.app_context(), db.transaction() as s:
        meeting, _ = interviews.open_interview(s, s.get(Action, ident), None)
        new_id = meeting.id
    ready_to_validate(app, new_id)
    env = {
        "RIDA_DATA_DIR": str(tmp_path / "data"),
        "RIDA_EXPORT_DIR": str(tmp_path / "x"),
        "RIDA_SECRET_KEY": "test",
        "RIDA_DATABASE_URL": None,
    }
    result = CliRunner().invoke(main, ["validate", str(new_id)], env=env, prog_name="rida")
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert (
        f"rida action set-status {ident} done --comment "
        '"Compte-rendu de l\'entretien validé (v1.0)"'
    ) in result.stdout
    with app.app_context(), db.write_session(db.engine()) as s:
        assert versions.frozen_versions(s, new_id)


def test_the_way_back_shows_nothing_of_an_origin_the_reader_may_not_read(
    app, browser, demo_meeting
):
    """Canary: a participant of the interview who may not read the meeting the action
    comes from sees no « Issu de … » line, nor that meeting's title."""
    ident = action_id(app)
    interview = int(re.search(r"/reunions/(\d+)/", open_form(browser, ident).location).group(1))
    with app.app_context(), db.transaction() as s:
        origin = s.get(Meeting, demo_meeting)
        origin.title, origin.classification = "Atelier CANARI", "confidential"
        guest = Person(key="guest", last_name="INVITEE", first_name="Ines", entity="ENOVACOM")
        s.add(guest)
        s.flush()
        s.add(Participation(meeting_id=interview, person_id=guest.id))
        reader = s.exec(select(User).where(User.login == "reader")).one()
        reader.person_id = guest.id
    page = Browser(app.test_client()).login("reader").client.get(f"/reunions/{interview}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "CANARI" not in text and "Issu de" not in text
    assert "CANARI" in browser.client.get(f"/reunions/{interview}").get_data(as_text=True)
