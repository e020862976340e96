"""Search parameters: one parser for the page, the API and the CLI (pure)."""

from __future__ import annotations

import datetime as dt

import pytest

from rida.fields import ValidationError
from rida.search import Filters, Query
from rida.search.params import active, cli_args, parse, selected, to_args, toggle


def errors(args: dict[str, list[str]]) -> dict[str, str]:
    with pytest.raises(ValidationError) as e:
        parse(args)
    return {x.path: x.message for x in e.value.errors}


def test_every_parameter() -> None:
    query = parse(
        {
            "q": [" inducteurs "],
            "series": ["TF MSSanté", "TF MSSanté", ""],
            "nature": ["d", "none"],
            "type": ["Atelier"],
            "organisation": ["ANS"],
            "status": ["validated"],
            "classification": ["public"],
            "from": ["2022-01-01"],
            "to": ["2022-12-31"],
            "sort": ["date"],
            "page": ["3"],
            "per_page": ["50"],
            "utm_source": ["x"],
        }
    )
    assert query == Query(
        text="inducteurs",
        filters=Filters(
            series=("TF MSSanté",),
            nature=("D", "none"),
            meeting_type=("Atelier",),
            organisation=("ANS",),
            status=("validated",),
            classification=("public",),
            date_from=dt.date(2022, 1, 1),
            date_to=dt.date(2022, 12, 31),
        ),
        sort="date",
        page=3,
        per_page=50,
    )


def test_defaults_and_empty_form_values() -> None:
    assert parse({}) == Query(text="")
    assert parse({"q": [""], "nature": [""], "from": [""], "page": [""], "sort": [""]}) == Query(
        text=""
    )


def test_query_text_is_not_judged_here() -> None:
    """Operators, unbalanced quotes, huge text: the core answers with a message."""
    text = '"unbalanced AND (( -' + "x" * 10_000
    assert parse({"q": [text]}).text == text


def test_bad_parameters_name_their_path_in_french() -> None:
    found = errors(
        {
            "nature": ["X"],
            "status": ["archived"],
            "from": ["07/01/2022"],
            "to": ["2022-02-30"],
            "sort": ["score"],
            "page": ["0"],
            "per_page": ["abc"],
        }
    )
    assert set(found) == {"nature", "status", "from", "to", "sort", "page", "per_page"}
    assert "valeur inconnue « X »" in found["nature"]
    assert "AAAA-MM-JJ" in found["from"]
    assert "inexistante" in found["to"]
    assert "entre 1 et" in found["page"]


def test_dates_in_order_and_page_bounds() -> None:
    assert "précède" in errors({"from": ["2022-02-01"], "to": ["2022-01-01"]})["to"]
    assert set(errors({"page": ["1001"]})) == {"page"}
    assert set(errors({"page": ["-1"]})) == {"page"}
    assert set(errors({"page": ["٣"]})) == {"page"}
    assert set(errors({"series": ["\x00"]})) == {"series"}


def test_round_trip_through_the_url() -> None:
    query = parse(
        {
            "q": ["BAL"],
            "nature": ["A", "D"],
            "organisation": ["ANS"],
            "from": ["2022-01-01"],
            "sort": ["date"],
            "page": ["2"],
        }
    )
    assert parse({k: [v for n, v in to_args(query) if n == k] for k, _ in to_args(query)}) == query
    assert ("page", "2") not in to_args(query, page=False)


def test_toggle_adds_and_removes_a_filter_back_to_page_one() -> None:
    query = parse({"q": ["BAL"], "page": ["4"]})
    with_d = toggle(query, "nature", "D")
    assert with_d.filters.nature == ("D",) and with_d.page == 1
    assert selected(with_d, "nature", "D")
    assert toggle(with_d, "nature", "D").filters.nature == ()
    assert active(with_d) == [("nature", "D")]


def test_year_facet_is_a_date_range() -> None:
    query = toggle(parse({}), "year", "2022")
    assert (query.filters.date_from, query.filters.date_to) == (
        dt.date(2022, 1, 1),
        dt.date(2022, 12, 31),
    )
    assert selected(query, "year", "2022") and not selected(query, "year", "2021")
    assert toggle(query, "year", "2022").filters.date_from is None
    assert toggle(query, "from", "2022-01-01").filters == Filters(date_to=dt.date(2022, 12, 31))
    assert toggle(query, "year", "nope") == query


def test_cli_options_map_to_parameters() -> None:
    args = cli_args(
        q="BAL",
        series=("TF",),
        nature=(),
        date_from="2022-01-01",
        date_to=None,
        meeting_type=("Atelier",),
        page="2",
    )
    assert args == {
        "q": ["BAL"],
        "series": ["TF"],
        "nature": [],
        "from": ["2022-01-01"],
        "type": ["Atelier"],
        "page": ["2"],
    }
    assert parse(args).filters.meeting_type == ("Atelier",)
