"""Every attack of the security suite goes through :func:`record` (directly, or through
:meth:`Actor.attack`), which counts attempts and failures for the session's report
(« Sécurité : N tentatives, M échecs », ``tests/security/last-run.json``).

A failed attempt does not stop its test: the test goes on attacking, and fails at its end
with the list of what got through (``tests/security/conftest.py``)."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

import docx
import openpyxl
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import PASSWORD


@dataclass
class Tally:
    attempts: int = 0
    failures: list[str] = field(default_factory=list)


TALLY = Tally()


@dataclass
class Flow:
    """The information-flow suite's count (« Flux d'information : N réponses parcourues, M
    canaris vérifiés, K fuites »): responses read, canaries found in them and checked against
    the reader's circle, and those found outside it."""

    responses: int = 0
    canaries: int = 0
    leaks: list[str] = field(default_factory=list)


FLOW = Flow()


def record(what: str, problems: Iterable[str] = ()) -> bool:
    """Count one attempt; a non-empty ``problems`` makes it a failure."""
    problems = list(problems)
    TALLY.attempts += 1
    if problems:
        TALLY.failures.append(f"{what}: {'; '.join(problems)}")
    return not problems


def check(what: str, ok: bool, detail: str = "") -> bool:
    return record(what, [] if ok else [detail or "refused check"])


MEDIA_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def xlsx_cells(data: bytes) -> list[openpyxl.cell.Cell]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def body_text(response: TestResponse) -> str:
    """What a person (or a program) reads in a response: the text of a spreadsheet or a
    Word file, unfolded iCalendar lines, else the decoded body; plus the headers that may
    carry a name (Location, Content-Disposition)."""
    headers = " ".join(response.headers.get(h, "") for h in ("Location", "Content-Disposition"))
    if response.mimetype == MEDIA_XLSX:
        text = "\n".join(str(c.value) for c in xlsx_cells(response.data) if c.value is not None)
    elif response.mimetype == MEDIA_DOCX and response.data.startswith(b"PK"):
        text = docx_text(response.data)
    else:
        text = response.get_data().decode("utf-8", "replace")
        if response.mimetype == "text/calendar":
            text = text.replace("\r\n ", "").replace("\\,", ",")
    return f"{headers}\n{text}"


def header_problems(response: TestResponse) -> list[str]:
    """The security headers every answer carries, errors and downloads included."""
    csp = response.headers.get("Content-Security-Policy", "")
    problems = (
        [] if "frame-ancestors 'none'" in csp or "default-src 'none'" in csp else [f"CSP « {csp} »"]
    )
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if not response.headers.get("Referrer-Policy"):
        problems.append("no Referrer-Policy")
    return problems


Expect = Collection[int] | Callable[[TestResponse], bool]


class Actor:
    """A client acting as one role, which knows its CSRF token (as a page does) and can
    leave it out (as a forged cross-site request would)."""

    def __init__(self, role: str, client: FlaskClient, token: str):
        self.role, self.client, self.token = role, client, token

    @classmethod
    def log_in(cls, role: str, client: FlaskClient, login: str | None = None) -> Actor:
        page = client.get("/connexion").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        if role == "anonymous":
            return cls(role, client, token)
        response = client.post(
            "/connexion", data={"login": login or role, "password": PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        home = client.get("/").get_data(as_text=True)
        return cls(role, client, re.search(r'name="csrf-token" content="([^"]+)"', home).group(1))

    def send(
        self,
        method: str,
        url: str,
        *,
        payload: object = None,
        form: dict | None = None,
        raw: bytes | str | None = None,
        csrf: bool = True,
        token: str | None = None,
        content_type: str = "application/json",
        **kwargs: object,
    ) -> TestResponse:
        headers: dict[str, str] = dict(kwargs.pop("headers", None) or {})  # type: ignore[arg-type]
        secret = token if token is not None else self.token
        if form is not None:
            data = {**form, **({"csrf_token": secret} if csrf else {})}
            return self.client.open(url, method=method, data=data, headers=headers, **kwargs)
        if csrf:
            headers["X-CSRFToken"] = secret
        if method == "GET":
            return self.client.open(url, method=method, headers=headers, **kwargs)
        data = raw if raw is not None else json.dumps(payload if payload is not None else {})
        return self.client.open(
            url, method=method, data=data, headers=headers, content_type=content_type, **kwargs
        )

    def attack(
        self,
        method: str,
        url: str,
        *,
        expect: Expect,
        hidden: Iterable[str] = (),
        what: str = "",
        **send: object,
    ) -> TestResponse:
        """Send one request and count it: a failure when the status is not expected, on a
        server error, or when a ``hidden`` marker shows in what comes back."""
        response = self.send(method, url, **send)  # type: ignore[arg-type]
        problems = []
        if response.status_code >= 500:
            problems.append(f"server error {response.status_code}")
        ok = expect(response) if callable(expect) else response.status_code in expect
        if not ok:
            problems.append(f"answered {response.status_code}")
        problems += header_problems(response)
        text = body_text(response)
        if "Traceback" in text:
            problems.append("shows a stack trace")
        problems += [f"leaks « {m} »" for m in hidden if m in text]
        record(f"{self.role} {method} {url}{' ' + what if what else ''}", problems)
        return response

    def watch(self, url: str, *, hidden: Iterable[str] = ()) -> None:
        """Open a live stream and count it: 200 ``text/event-stream`` with the security
        headers, whose first event (read alone: the stream stays open) shows no ``hidden``
        marker; then closed, as a browser leaving the page."""
        response = self.send("GET", url, buffered=False)
        try:
            problems = [] if response.status_code == 200 else [f"answered {response.status_code}"]
            if response.mimetype != "text/event-stream":
                problems.append(f"type {response.mimetype}")
            problems += header_problems(response)
            first = next(iter(response.response), b"").decode("utf-8", "replace")
            if response.status_code == 200 and "event: hello" not in first:
                problems.append(f"first event « {first[:80]} »")
            problems += [f"leaks « {m} »" for m in hidden if m in first]
        finally:
            response.close()
        record(f"{self.role} GET {url} (stream)", problems)


class Script(Actor):
    """A script holding an API token: ``Authorization: Bearer``, no cookie, no CSRF token
    (none is needed: nothing a foreign page can forge)."""

    def __init__(self, role: str, client: FlaskClient, bearer: str):
        super().__init__(f"{role} (jeton)", client, "")
        self.bearer = bearer

    def send(self, method: str, url: str, **kwargs: object) -> TestResponse:
        headers = dict(kwargs.pop("headers", None) or {})  # type: ignore[call-overload]
        headers.setdefault("Authorization", f"Bearer {self.bearer}")
        kwargs.pop("csrf", None)
        return super().send(method, url, headers=headers, csrf=False, **kwargs)  # type: ignore[arg-type]
