def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


def test_demo_meeting_page(browser, demo_meeting):
    page = browser.client.get(f"/reunions/{demo_meeting}").get_data(as_text=True)
    assert "COMPTE-RENDU" in page
    assert "7 janvier 2022" in page
    assert "Inducteurs de financement" in page


def test_every_page_links_a_favicon_that_is_served(client, browser, demo_meeting):
    """Issue 15: no favicon meant a 404 on every page."""
    link = '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'
    login = client.get("/connexion").get_data(as_text=True)  # base.html, no account
    assert link in login
    assert link in browser.client.get(f"/reunions/{demo_meeting}").get_data(as_text=True)
    with client.get("/static/favicon.svg") as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
        assert icon.get_data(as_text=True).lstrip().startswith("<svg")
