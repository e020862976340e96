"""The dashboard's domain query: filters, sort, counts, paging, access, bad parameters."""

from __future__ import annotations

import pytest

from rida import db
from rida.actions.action_board import all_items, board, parse
from rida.actions.action_board.params import to_args
from rida.actions.action_board.tables import to_csv
from rida.fields import ValidationError
from rida.meetings.people import label
from rida.models import User
from tests.action_board_support import INJECTION, SECRET, TODAY, link_person, load, user
from tests.conftest import PG_URL


@pytest.fixture
def data(app) -> dict[str, int]:
    return load(app)


def run(app, login: str = "admin", **args: str | list[str]):
    query = parse({k: v if isinstance(v, list) else [v] for k, v in args.items()})
    with app.app_context():
        return board(db.session(), user(app, login), query, today=TODAY)


def titles(found) -> list[str]:
    return [i.action.title for i in found.items]


def test_everything_sorted_by_due_date_no_due_date_last(app, data):
    found = run(app)
    assert found.total == 7 and found.messages == []
    dues = [i.action.due_date for i in found.items]
    assert dues[-1] is None and dues[:-1] == sorted(dues[:-1])
    assert SECRET in titles(found)  # the admin reads the confidential meeting


def test_confidential_actions_never_listed_nor_counted(app, data):
    for login in ("member", "reader"):
        found = run(app, login)
        assert SECRET not in titles(found)
        assert found.total == 6 and sum(found.by_status.values()) == 6
        assert all(p is None or p.last_name != "SECRET" for p, _ in found.by_owner)
        assert "Porteur inconnu : « SECRET »." in run(app, login, owner="SECRET").messages
        assert run(app, login, organisation="ORANGE").total == 0


def test_filters(app, data):
    assert run(app, series="GT Annuaire").total == 3
    assert run(app, series="gt annuaire").total == 3  # case and accents ignored
    assert titles(run(app, owner="Mathieu SLOSAR"))[0].startswith("Entretiens bilatéraux")
    assert run(app, owner=["SLOSAR", "BRIS"]).total == 2
    assert run(app, organisation="LIFEN").total == 2  # a person and the organisation
    assert run(app, kind="document").total == 2
    assert run(app, status=["done", "in_progress"]).total == 2
    assert run(app, due_from="2022-02-01", due_to="2022-02-20").total == 3
    overdue = run(app, overdue="1")
    # due before 01/03/2022 and not closed: the demo's three and the confidential one
    assert overdue.total == 4 and all(i.overdue for i in overdue.items)


def test_mine_is_the_accounts_person_and_its_organisation(app, data):
    person = link_person(app, "member", "BRIS")  # Édouard BRIS, of the ANS
    found = run(app, "member", mine="1")
    assert titles(found) == [
        "Envoi de la nouvelle version des exigences",
        "Atelier industriel avec les éditeurs",  # owned by the ANS
    ]
    assert found.items[0].owner.id == person
    assert found.items[1].owner.last_name == "" and found.items[1].owner.entity == "ANS"
    reader = run(app, "reader", mine="1")
    assert reader.total == 0 and "aucune personne" in reader.messages[0]


def test_unknown_names_give_a_message_and_nothing(app, data):
    found = run(app, series="Inconnue")
    assert found.total == 0 and found.items == []
    assert found.messages == ["Série inconnue : « Inconnue »."]
    found = run(app, series=["Inconnue", "GT Annuaire"])  # the known one still filters
    assert found.total == 3 and found.messages == ["Série inconnue : « Inconnue »."]
    assert run(app, owner="Personne").messages == ["Porteur inconnu : « Personne »."]
    assert run(app, owner="999").total == 0


@pytest.mark.parametrize(
    ("sort", "first"),
    [("status", "open"), ("series", "GT Annuaire"), ("owner", "ANS"), ("meeting", "2022-01-07")],
)
def test_sorts(app, data, sort, first):
    found = run(app, sort=sort)
    top = found.items[0]
    value = {
        "status": top.action.status,
        "series": top.series,
        "owner": label(top.owner) if top.owner else None,
        "meeting": top.meeting_date.isoformat(),
    }[sort]
    assert value == first
    reverse = run(app, sort=sort, order="desc")
    assert titles(reverse) != titles(found) and reverse.total == found.total


def test_counts_are_facets(app, data):
    found = run(app, status="open")
    assert found.total == 5
    # the status counts ignore the status filter, the owner counts the owner filter
    assert found.by_status == {"open": 5, "in_progress": 1, "done": 1, "cancelled": 0}
    assert found.overdue == 4
    by_owner = run(app, owner="BRIS").by_owner
    assert len(by_owner) == 7 and sum(n for _, n in by_owner) == 7
    assert (None, 1) in by_owner  # « Relancer les éditeurs » has no owner


def test_paging(app, data):
    pages = [run(app, per_page="3", page=str(n)) for n in (1, 2, 3)]
    assert [len(p.items) for p in pages] == [3, 3, 1]
    assert {t for p in pages for t in titles(p)} == set(titles(run(app)))


def test_all_items_for_exports(app, data):
    with app.app_context():
        items, messages = all_items(
            db.session(), user(app, "reader"), parse({"series": ["GT Annuaire"]}), today=TODAY
        )
    assert [i.action.title for i in items][:2] == ["Publier le guide", INJECTION]
    assert messages == []


def test_bad_parameters_name_their_field():
    with pytest.raises(ValidationError) as e:
        parse(
            {
                "status": ["fini"],
                "due_from": ["2022-13-01"],
                "sort": ["titre"],
                "overdue": ["peut-être"],
                "page": ["0"],
                "kind": ["x"],
            }
        )
    paths = [x.path for x in e.value.errors]
    assert paths == ["kind", "status", "due_from", "sort", "page", "overdue"]
    assert "valeur inconnue « fini »" in str(e.value)
    with pytest.raises(ValidationError) as e:
        parse({"due_from": ["2022-03-01"], "due_to": ["2022-02-01"]})
    assert e.value.errors[0].path == "due_to"


def test_url_round_trip():
    args = {
        "series": ["A", "B"],
        "status": ["done"],
        "overdue": ["on"],
        "sort": ["owner"],
        "order": ["desc"],
        "due_to": ["2022-02-01"],
        "page": ["2"],
    }
    query = parse(args)
    again = parse({k: [v for n, v in to_args(query) if n == k] for k, _ in to_args(query)})
    assert again == query
    assert to_args(parse({})) == []


@pytest.mark.skipif(not PG_URL, reason="RIDA_TEST_POSTGRES_URL is not set")
@pytest.mark.parametrize("sort", ["due_date", "status", "series", "owner", "meeting"])
def test_same_answers_on_postgresql(pg_app, sort):
    load(pg_app)
    admin = User(id=10_000, login="x", password_hash="", role="admin")
    member = User(id=10_001, login="y", password_hash="", role="member")
    with pg_app.app_context():
        s = db.session()
        found = board(
            s, admin, parse({"sort": [sort], "order": ["desc"]}), today=TODAY, with_chart=True
        )
        assert found.total == 7 and found.overdue == 4 and found.chart.points
        assert board(s, member, parse({"owner": ["SECRET"]}), today=TODAY).total == 0
        items, _ = all_items(s, member, parse({"organisation": ["lifen"]}), today=TODAY)
        assert len(to_csv(items).splitlines()) == 3


def test_kept_counts_and_pages_follow_every_change(app, data):
    """The counts and pages are kept until the database changes (chart_cache): a new
    action, a status change and a classification change show at once, in the counts,
    the page and what a member may read."""
    from sqlmodel import select

    from rida.actions import action_status
    from rida.models import Action, Meeting

    first = run(app, "member")
    assert run(app, "member").total == first.total  # kept: the same answer
    with app.app_context(), db.transaction() as s:
        s.add(Action(meeting_id=data["demo"], position=9, title="Action ajoutée"))
    added = run(app, "member")
    assert added.total == first.total + 1 and "Action ajoutée" in titles(added)
    with app.app_context(), db.transaction() as s:
        a = s.exec(select(Action).where(Action.title == "Action ajoutée")).one()
        action_status.set_status(s, a, "done")
    assert run(app, "member").by_status["done"] == added.by_status["done"] + 1
    with app.app_context(), db.transaction() as s:
        secret = s.get(Meeting, data["secret"])
        secret.classification = "public"
        s.add(secret)
    assert SECRET in titles(run(app, "member"))
