"""Every route of the app, classified by what guards it. The suite reads the routes from
``app.url_map``: a new route that is not listed here fails the suite until it is
classified (and thereby attacked)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

from flask import Flask

from tests.security.world import Target

PUBLIC = "public"  # anyone, no account (login page, static files)
TOKEN = "feed token"  # the secret in the URL is the credential
LOGIN = "login"  # any account; lists filtered by the access rule
EDITOR = "editor"  # admin or rapporteur, no object in the URL
ADMIN = "admin"  # admins only
MEETING_READ = "meeting read"  # a meeting (or its rows, actions...) one may read
MEETING_WRITE = "meeting write"  # ... and change: readable, and an editor's role
MEETING_STREAM = "meeting stream"  # a meeting one may read, as a stream that stays open
ACTION_READ = "action read"  # an action by id, through its meeting
ACTION_STATUS = "action status"  # ... whose status one may change (editors, its owner)
SERIES_READ = "series read"  # a series one may see
SERIES_WRITE = "series write"
PERSON_WRITE = "person write"  # a person's address: admins, and the person's own account
PERSON_EDIT = "person edit"  # a person one may see, renamed or merged by an editor
FEED_OWNER = "feed owner"  # one's own calendar feed
OWN_TOKEN = "own token"  # one's own API token (another account's: 404)
MOVED = "moved"  # an old English page URL: a blind permanent redirect to the French one

ROUTES: dict[tuple[str, str], str] = {
    ("GET", "/connexion"): PUBLIC,
    ("POST", "/connexion"): PUBLIC,
    ("POST", "/deconnexion"): PUBLIC,
    # OpenID Connect: the button (CSRF) and the provider's return (state, PKCE, nonce);
    # an unknown provider is a 404 (tests/test_oidc.py).
    ("POST", "/connexion/oidc/<name>"): PUBLIC,
    ("GET", "/connexion/oidc/<name>/retour"): PUBLIC,
    ("GET", "/static/<path:filename>"): PUBLIC,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/feeds/<token>.ics"): TOKEN,
    ("GET", "/"): LOGIN,
    ("GET", "/agenda"): LOGIN,
    ("POST", "/agenda"): LOGIN,
    ("POST", "/agenda/<int:feed_id>/revocation"): FEED_OWNER,
    ("GET", "/recherche"): LOGIN,
    ("GET", "/actions"): LOGIN,
    ("GET", "/actions.<any(csv, xlsx):fmt>"): LOGIN,
    ("GET", "/actions/rapport"): LOGIN,
    ("GET", "/actions/rapport.pdf"): LOGIN,
    ("POST", "/series"): EDITOR,
    ("POST", "/reunions"): EDITOR,
    ("POST", "/import"): EDITOR,
    ("GET", "/personnes"): EDITOR,
    ("POST", "/personnes/<int:person_id>/email"): PERSON_WRITE,
    ("GET", "/personnes/<int:person_id>"): PERSON_EDIT,
    ("POST", "/personnes/<int:person_id>/renommer"): PERSON_EDIT,
    ("POST", "/personnes/<int:person_id>/fusionner"): PERSON_EDIT,
    ("GET", "/glossaire"): LOGIN,
    ("POST", "/glossaire"): ADMIN,
    ("GET", "/series/<int:series_id>/glossaire"): SERIES_READ,
    ("POST", "/series/<int:series_id>/glossaire"): SERIES_WRITE,
    ("GET", "/reunions/<int:meeting_id>"): MEETING_READ,
    ("GET", "/reunions/<int:meeting_id>/versions"): MEETING_READ,
    ("GET", "/reunions/<int:meeting_id>/comparaison"): MEETING_READ,
    ("GET", "/reunions/<int:meeting_id>/compte-rendu.<fmt>"): MEETING_READ,
    ("GET", "/reunions/<int:meeting_id>/figures/<int:number>"): MEETING_READ,
    ("POST", "/reunions/<int:meeting_id>/figures"): MEETING_WRITE,
    ("POST", "/reunions/<int:meeting_id>/figures/<int:number>/suppression"): MEETING_WRITE,
    ("GET", "/reunions/<int:meeting_id>/modifier"): MEETING_WRITE,
    # The live view: also served at its English URL (a room link pasted in either form);
    # with a room link (?salle=<token>) instead of a login: tests/test_live_view.py.
    ("GET", "/reunions/<int:meeting_id>/direct"): MEETING_READ,
    ("GET", "/meetings/<int:meeting_id>/direct"): MEETING_READ,
    ("GET", "/reunions/<int:meeting_id>/direct/contenu"): MEETING_READ,
    ("GET", "/reunions/<int:meeting_id>/direct/lignes/<uid>"): MEETING_READ,
    ("POST", "/reunions/<int:meeting_id>/salle"): MEETING_WRITE,
    ("POST", "/reunions/<int:meeting_id>/salle/revocation"): MEETING_WRITE,
    ("POST", "/reunions/<int:meeting_id>/relecture"): MEETING_WRITE,
    ("POST", "/reunions/<int:meeting_id>/brouillon"): MEETING_WRITE,
    ("POST", "/reunions/<int:meeting_id>/validation"): MEETING_WRITE,
    ("POST", "/reunions/<int:meeting_id>/amendement"): MEETING_WRITE,
    ("POST", "/reunions/<int:meeting_id>/actions/<uid>/entretien"): MEETING_WRITE,
    ("POST", "/actions/<int:action_id>/cloture-entretien"): ACTION_STATUS,
    ("POST", "/actions/<int:action_id>/note"): ACTION_STATUS,
    ("GET", "/api/search"): LOGIN,
    ("GET", "/api/meetings"): LOGIN,
    ("POST", "/api/meetings"): EDITOR,
    ("GET", "/api/meetings/<int:meeting_id>"): MEETING_READ,
    ("PATCH", "/api/meetings/<int:meeting_id>"): MEETING_WRITE,
    ("GET", "/api/meetings/<int:meeting_id>/checks"): MEETING_READ,
    ("GET", "/api/meetings/<int:meeting_id>/versions"): MEETING_READ,
    ("GET", "/api/meetings/<int:meeting_id>/versions/<name>"): MEETING_READ,
    ("GET", "/api/meetings/<int:meeting_id>/events"): MEETING_STREAM,
    ("POST", "/api/meetings/<int:meeting_id>/presence"): MEETING_WRITE,
    ("POST", "/api/meetings/<int:meeting_id>/review"): MEETING_WRITE,
    ("POST", "/api/meetings/<int:meeting_id>/draft"): MEETING_WRITE,
    ("POST", "/api/meetings/<int:meeting_id>/validate"): MEETING_WRITE,
    ("POST", "/api/meetings/<int:meeting_id>/amend"): MEETING_WRITE,
    ("POST", "/api/meetings/<int:meeting_id>/preview"): MEETING_WRITE,
    ("POST", "/api/meetings/<int:meeting_id>/rows"): MEETING_WRITE,
    ("PATCH", "/api/meetings/<int:meeting_id>/rows/<uid>"): MEETING_WRITE,
    ("DELETE", "/api/meetings/<int:meeting_id>/rows/<uid>"): MEETING_WRITE,
    ("POST", "/api/meetings/<int:meeting_id>/rows/<uid>/move"): MEETING_WRITE,
    ("POST", "/api/meetings/<int:meeting_id>/participants"): MEETING_WRITE,
    ("PATCH", "/api/meetings/<int:meeting_id>/participants/<uid>"): MEETING_WRITE,
    ("DELETE", "/api/meetings/<int:meeting_id>/participants/<uid>"): MEETING_WRITE,
    ("POST", "/api/meetings/<int:meeting_id>/participants/<uid>/move"): MEETING_WRITE,
    ("POST", "/api/meetings/<int:meeting_id>/actions"): MEETING_WRITE,
    ("PATCH", "/api/meetings/<int:meeting_id>/actions/<uid>"): MEETING_WRITE,
    ("DELETE", "/api/meetings/<int:meeting_id>/actions/<uid>"): MEETING_WRITE,
    ("POST", "/api/meetings/<int:meeting_id>/actions/<uid>/move"): MEETING_WRITE,
    ("POST", "/api/actions/<int:action_id>/status"): ACTION_STATUS,
    ("GET", "/api/actions/<int:action_id>/history"): ACTION_READ,
    ("GET", "/reunions/<int:meeting_id>/historique"): MEETING_READ,
    ("GET", "/api/session"): LOGIN,
    ("POST", "/api/session"): LOGIN,
    ("GET", "/compte/jetons"): LOGIN,
    ("POST", "/compte/jetons"): LOGIN,
    ("POST", "/compte/jetons/<prefix>/revocation"): OWN_TOKEN,
    ("GET", "/admin/journal"): ADMIN,
    ("GET", "/admin/journal.csv"): ADMIN,
    ("GET", "/admin/comptes"): ADMIN,
    ("POST", "/admin/comptes"): ADMIN,
    ("POST", "/admin/comptes/<int:user_id>/role"): ADMIN,
    ("POST", "/admin/comptes/<int:user_id>/actif"): ADMIN,
    ("POST", "/admin/comptes/<int:user_id>/mot-de-passe"): ADMIN,
    ("POST", "/admin/comptes/<int:user_id>/personne"): ADMIN,
    ("POST", "/admin/comptes/<int:user_id>/series"): ADMIN,
    ("POST", "/admin/comptes/organisations"): ADMIN,
    ("POST", "/admin/comptes/<int:user_id>/approbation"): ADMIN,
    ("POST", "/admin/comptes/<int:user_id>/identites/retrait"): ADMIN,
    ("POST", "/admin/comptes/<int:user_id>/fournisseur-uniquement"): ADMIN,
    ("GET", "/login"): MOVED,
    ("POST", "/login"): MOVED,
    ("POST", "/logout"): MOVED,
    ("POST", "/meetings"): MOVED,
    ("GET", "/meetings/<int:meeting_id>"): MOVED,
    ("GET", "/meetings/<int:meeting_id>/edit"): MOVED,
    ("POST", "/meetings/<int:meeting_id>/review"): MOVED,
    ("POST", "/meetings/<int:meeting_id>/draft"): MOVED,
    ("POST", "/meetings/<int:meeting_id>/validate"): MOVED,
    ("POST", "/meetings/<int:meeting_id>/amend"): MOVED,
    ("GET", "/meetings/<int:meeting_id>/versions"): MOVED,
    ("GET", "/meetings/<int:meeting_id>/compare"): MOVED,
    ("GET", "/meetings/<int:meeting_id>/compte-rendu.<fmt>"): MOVED,
    ("GET", "/meetings/<int:meeting_id>/historique"): MOVED,
    ("POST", "/meetings/<int:meeting_id>/actions/<uid>/interview"): MOVED,
    ("POST", "/actions/<int:action_id>/close-interview"): MOVED,
    ("POST", "/agenda/<int:feed_id>/revoke"): MOVED,
    ("POST", "/compte/jetons/<prefix>/revoke"): MOVED,
}
WRITES = ("POST", "PUT", "PATCH", "DELETE")
# A body that every write route accepts as well-formed, so that a refusal comes from the
# guard under test and not from parsing.
PAYLOAD = {
    "fields": {"title": "piraté", "subject": "piraté"},
    "revision": 1,
    "status": "done",
    "direction": "up",
    "deadline": "2099-01-01",
    "last_name": "PIRATE",
}
FORM = {
    "name": "piratée",
    "email": "pirate@example.org",
    "groups": "a = b",
    "deadline": "2099-01-01",
    "feed": "mine",
    "series_id": "1",
    "title": "piratée",
    "date": "2022-01-07",
    "login": "pirate",
    "role": "admin",
    "active": "1",
    "action": "add",
    "person_id": "1",
    "expires_days": "1",
}


@dataclass(frozen=True)
class Route:
    method: str
    rule: str
    kind: str

    @property
    def api(self) -> bool:
        return self.rule.startswith("/api/")

    @property
    def writes(self) -> bool:
        return self.method in WRITES

    @property
    def params(self) -> list[str]:
        return re.findall(r"<(?:[^>]*:)?(\w+)>", self.rule)

    def url(self, **values: object) -> str:
        def fill(match: re.Match[str]) -> str:
            value = str(values[match.group(2)])
            choices = re.fullmatch(r"any\((.*)\):", match.group(1) or "")
            if choices and value not in choices.group(1).split(", "):
                value = choices.group(1).split(", ")[0]  # a value the converter accepts
            return quote(value, safe="")

        return re.sub(r"<([^>]*:)?(\w+)>", fill, self.rule)

    def body(self) -> dict[str, object]:
        """How to send a well-formed write: JSON for the API, a form for pages."""
        if not self.writes:
            return {}
        return {"payload": PAYLOAD} if self.api else {"form": FORM}

    def object_url(self, target: Target, uid_of: Target | None = None) -> str:
        """The URL of this route on ``target``'s objects (``uid_of``: take the row,
        participant or action uid from another meeting)."""
        other = uid_of or target
        uid = (
            other.row_uid
            if "/rows/" in self.rule or "/lignes/" in self.rule
            else other.participant_uid
            if "/participants/" in self.rule
            else other.action_uid
        )
        return self.url(
            meeting_id=target.id,
            uid=uid,
            action_id=target.action_id,
            name="1.0",
            fmt="docx",
            number=1,
        )


def discovered(app: Flask) -> Iterator[tuple[str, str]]:
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield method, rule.rule


def routes(app: Flask, *kinds: str) -> list[Route]:
    """The app's routes of these kinds (all when none is given)."""
    found = [Route(m, r, ROUTES[(m, r)]) for m, r in discovered(app) if (m, r) in ROUTES]
    return [r for r in found if not kinds or r.kind in kinds]
