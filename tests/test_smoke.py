def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


def test_demo_meeting_page(browser, demo_meeting):
    page = browser.client.get(f"/reunions/{demo_meeting}").get_data(as_text=True)
    assert "COMPTE-RENDU" in page
    assert "7 janvier 2022" in page
    assert "Inducteurs de financement" in page
