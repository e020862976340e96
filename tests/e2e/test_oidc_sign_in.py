"""Sign-in through a real OpenID Connect provider (LemonLDAP::NG, tests/oidc_support.py) in
the browser: rida's button, the provider's own login page, back to rida signed in; the
logout ends the provider's session too."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests import oidc_support
from tests.e2e.conftest import STEP_TIMEOUT_MS, Server

PORT = 5791  # the redirect URI declared at the provider (tests/oidc/llng.sh)


@pytest.fixture(scope="module")
def sso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    secret = oidc_support.ensure_started()
    srv = Server(tmp_path_factory.mktemp("rida-oidc"))
    srv.port, srv.url = PORT, f"http://127.0.0.1:{PORT}"
    srv.cli("init")
    path = oidc_support.providers_file(
        srv.data_dir, secret, provisioning=True, allowed_email_domains=["badwolf.org"]
    )
    srv.env["RIDA_OIDC_PROVIDERS"] = str(path)
    srv.start()
    yield srv
    srv.stop()


def test_sign_in_and_out_through_the_provider(sso_server: Server, chromium: Browser) -> None:
    context = chromium.new_context(locale="fr-FR")
    context.set_default_timeout(STEP_TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{sso_server.url}/connexion")
    page.get_by_role("button", name="Se connecter avec LemonLDAP::NG").click()
    page.wait_for_url(f"{oidc_support.PORTAL}/**")
    page.locator("input[name=user]").fill("dwho")
    page.locator("input[name=password]").fill("dwho")
    page.locator("button[type=submit]").first.click()
    page.wait_for_url(f"{sso_server.url}/")
    expect(page.get_by_text("dwho@badwolf.org").first).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()
    # The provider's logout page (id_token_hint) asks to confirm, then sends back to rida.
    page.wait_for_url(f"{oidc_support.PORTAL}/oauth2/logout**")
    page.locator("button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(re.escape(f"{sso_server.url}/connexion") + r"(\?.*)?$"))
    expect(page.get_by_text("Vous êtes déconnecté.")).to_be_visible()
    # The provider's session is over too: its login form again, not an automatic return.
    page.get_by_role("button", name="Se connecter avec LemonLDAP::NG").click()
    page.wait_for_url(f"{oidc_support.PORTAL}/**")
    expect(page.locator("input[name=user]")).to_be_visible()
    context.close()
