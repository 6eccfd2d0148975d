from tests.factories import PASSWORD, UserFactory


def test_home_page_renders_and_login_works_in_chromium(page, live_server, login):
    page.goto(live_server.url)
    assert "Brands and creators" in page.locator("h1").inner_text()

    UserFactory(username="ann")
    login("ann", PASSWORD)
    assert page.get_by_role("button", name="Log out").is_visible()
