"""The header as brands use it: one line at 1366 px, a menu button on a phone, a language switch without a button."""

from __future__ import annotations

from tests.factories import PASSWORD, BrandMemberFactory

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


def _brand_login(page, login) -> None:
    member = BrandMemberFactory(user__username="brandy")
    assert member.brand.status == "approved"
    login("brandy", PASSWORD)


def test_brand_header_fits_one_line_at_1366_px(page, live_server, login) -> None:
    page.set_viewport_size(LAPTOP)
    _brand_login(page, login)
    page.goto(f"{live_server.url}/brand/")
    assert not page.locator(".nav-toggle").is_visible()
    links = page.locator(".nav-links a")
    tops = {round(box["y"]) for box in (links.nth(i).bounding_box() for i in range(links.count()))}
    assert len(tops) == 1, f"the brand's links wrap over {len(tops)} lines"
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < 80


def test_phone_header_folds_behind_a_menu_button(page, live_server, login, artifacts_dir) -> None:
    page.set_viewport_size(PHONE)
    _brand_login(page, login)
    page.goto(f"{live_server.url}/brand/")
    toggle = page.get_by_role("button", name="Menu")
    discover = page.locator(".site-header").get_by_role("link", name="Discover creators")

    assert toggle.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not discover.is_visible()
    assert page.locator(".site-header").bounding_box()["height"] < 80

    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert discover.is_visible()
    page.screenshot(path=str(artifacts_dir / "header-phone-open.png"))
    page.keyboard.press("Escape")
    assert not discover.is_visible()

    toggle.click()
    discover.click()
    page.wait_for_url("**/influencers/")


def test_choosing_a_language_switches_without_another_button(page, live_server) -> None:
    page.goto(live_server.url)
    assert not page.get_by_role("button", name="Switch").is_visible()
    with page.expect_navigation():
        page.get_by_label("Language").select_option("nl")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert "Merken en creators" in page.locator("h1").inner_text()
