"""A real OpenID Connect provider for the tests: LemonLDAP::NG from Debian
(tests/oidc/llng.sh; .ci/run installs it), started by the fixture ``llng`` when it does not
answer. Its demo users: dwho/dwho, rtyler/rtyler, msmith/msmith (mail <login>@badwolf.org).

:func:`portal_sign_in` signs in on the provider's own login form over HTTP, as a browser
would, and returns where the provider sends the browser back (code and state)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

PORTAL = "http://localhost:8089"
DISCOVERY = f"{PORTAL}/.well-known/openid-configuration"
SCRIPT = Path(__file__).parent / "oidc" / "llng.sh"
SECRET_FILE = Path("/var/lib/lemonldap-ng/rida-test-secret")


def answers() -> bool:
    try:
        return requests.get(DISCOVERY, timeout=5).status_code == 200
    except requests.RequestException:
        return False


def ensure_started() -> str:
    """The client secret of rida at the running provider (started if need be)."""
    if not answers() or not SECRET_FILE.exists():
        if not Path("/usr/share/lemonldap-ng/bin/lemonldap-ng-cli").exists():
            pytest.skip(
                "LemonLDAP::NG absent (bash tests/oidc/llng.sh l'installe) : tests OIDC impossibles"
            )
        done = subprocess.run(
            ["bash", str(SCRIPT), "configure start"], capture_output=True, text=True, timeout=240
        )
        assert done.returncode == 0, done.stderr[-2000:]
    return SECRET_FILE.read_text().strip()


def providers_file(directory: Path, secret: str, **options: object) -> Path:
    """A providers' file declaring LemonLDAP::NG as ``llng`` (the secret in the data dir)."""
    (directory / "oidc-llng.secret").write_text(secret)
    lines = [
        "[llng]",
        'label = "LemonLDAP::NG"',
        f'discovery_url = "{DISCOVERY}"',
        'client_id = "rida"',
        'scopes = "openid email profile scope_all"',
        'acr_values = "eidas1"',
        'professional_id_claim = "SubjectNameID"',
    ]
    for key, value in options.items():
        lines.append(f"{key} = {_toml(value)}")
    path = directory / "oidc.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return f'"{value}"'


def portal_sign_in(
    authorize_url: str, user: str = "dwho", password: str | None = None
) -> dict[str, str]:
    """Sign in at the provider's login form; the query it sends back to rida's callback."""
    browser = requests.Session()
    page = browser.get(authorize_url, allow_redirects=False, timeout=30)
    fields = dict(
        re.findall(r'<input[^>]*type="hidden"[^>]*name="(\w+)"(?:[^>]*value="([^"]*)")?', page.text)
    )
    token = re.search(r'name="token" value="([^"]+)"', page.text)
    fields |= {
        "user": user,
        "password": password or user,
        **({"token": token.group(1)} if token else {}),
    }
    answer = browser.post(authorize_url, data=fields, allow_redirects=False, timeout=30)
    while answer.status_code in (301, 302, 303) and answer.headers["Location"].startswith(PORTAL):
        answer = browser.get(answer.headers["Location"], allow_redirects=False, timeout=30)
    assert answer.status_code in (302, 303), answer.text[-1500:]
    return dict(parse_qsl(urlsplit(answer.headers["Location"]).query))
