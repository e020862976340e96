"""What a compte-rendu is made from: the rida/1 document and the follow-up of open actions."""

from __future__ import annotations

import copy

from rida import compte_rendu, db
from rida.models import Meeting
from tests.conftest import demo_document, import_doc


def earlier_meeting(date: str, classification: str = "public", title: str = "Atelier #0"):
    doc = copy.deepcopy(demo_document())
    doc.update(title=title, date=date, classification=classification, status="draft", version="0.1")
    doc["actions"][0]["status"] = "done"
    doc["actions"][1]["status"] = "in_progress"
    return doc


def source_of(app, meeting_id: int) -> compte_rendu.Source:
    with app.app_context(), db.write_session(db.engine()) as s:
        return compte_rendu.source(s, s.get(Meeting, meeting_id))


def test_source_round_trips_as_json(app, demo_meeting):
    src = source_of(app, demo_meeting)
    assert src.doc["title"] == "Atelier modèle économique #1"
    assert compte_rendu.Source.from_json(src.to_json()) == src


def test_follow_up_lists_open_actions_of_earlier_meetings_only(app):
    import_doc(app, earlier_meeting("2021-12-01"))
    import_doc(app, earlier_meeting("2022-03-01", title="Plus tard"))
    import_doc(app, earlier_meeting("2021-11-01", "confidential", title="Secret"))
    doc = demo_document()
    doc.update(status="draft", version="0.1")
    current = import_doc(app, doc)
    follow = source_of(app, current).follow_up
    # Action 0 is done, actions 1 and 2 are open; the later and the confidential meetings
    # do not contribute.
    assert [(f["meeting"]["title"], f["status"]) for f in follow] == [
        ("Atelier #0", "in_progress"),
        ("Atelier #0", "open"),
    ]
    assert follow[0]["owner"]["entity"] == "ANS" and follow[0]["due_date"]
    assert follow[1]["rida"] == 2


def test_a_confidential_meeting_follows_up_public_meetings_only(app):
    """Its readers (its participants) need not read the series' restricted meetings nor
    the other confidential ones: those stay out of its document."""
    import_doc(app, earlier_meeting("2021-11-01", "confidential", title="Secret"))
    import_doc(app, earlier_meeting("2021-11-02", "restricted", title="Restreint"))
    import_doc(app, earlier_meeting("2021-11-03", title="Public"))
    doc = demo_document()
    doc.update(classification="confidential", status="draft", version="0.1")
    follow = source_of(app, import_doc(app, doc)).follow_up
    assert {f["meeting"]["title"] for f in follow} == {"Public"}
