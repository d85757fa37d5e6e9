"""A real sign-in: ``st.login`` against an OpenID Connect provider on loopback, driven in Chromium.

``oidc_provider.py`` runs in this process (a thread, 127.0.0.1, a free port). The app runs with its own
secrets file (``--secrets.files``, so the repository's ``.streamlit/secrets.toml`` is never read or written)
whose ``[auth]`` section points at the provider's discovery document, and with a roles file in a temporary
folder. Chromium clicks "Sign in", picks a user on the provider's page and comes back through Streamlit's
``/oauth2callback``, which exchanges the code (client secret, PKCE S256), checks the RS256 ``id_token``
(signature from ``/jwks``, issuer, audience, nonce, expiry) and sets its identity cookie. So the test
proves the whole chain: discovery, redirect, callback, cookie, ``st.user`` claims, roles file, navigation.

Also here: the app started with neither ``[auth]`` nor local mode shows only "Sign-in is not configured".
Screenshots (git-ignored): ``tests/artifacts/screenshots/sign-in-*.png``.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import SCREENSHOTS, base_env, free_port, start_app, wait_for_render, wait_for_run
from tests.browser.oidc_provider import OidcProvider, TestUser

pytestmark = pytest.mark.browser

SCRUTINY = TestUser("scrutiny@example.org", "Sam Scrutiny")
POLICE_MANAGER = TestUser("police.manager@example.org", "Pat Police")
HEALTH_LEAD = TestUser("health.lead@example.org", "Hari Health", groups=("LSCP-Health-Managers",))  # by group only
UNLISTED = TestUser("stranger@example.org", "Una Listed")

ROLES_TOML = """\
contact = "the partnership business unit (lscp@example.org)"

[users."scrutiny@example.org"]
role = "scrutiny"

[users."police.manager@example.org"]
role = "manager"
agency = "Police"

[groups."LSCP-Health-Managers"]
role = "manager"
agency = "Health"
"""

SUMMARY_HEADING = "How the partnership is doing"
SIGN_IN_HEADING = "Neglect outcomes dashboard"
MANAGER_PAGES = {"Summary", "Action plan", "MASH and referrals", "Workforce training", "Case audits",
                 "How we compare", "About the data", "Upload"}
# What the app draws when it shows figures: none of these may appear before someone with a role signs in.
DATA_TEST_IDS = ("stPlotlyChart", "stDataFrame", "stTable", "stMetric", "stDownloadButton", "stSidebarNav")
PERCENTAGE = re.compile(r"\d+(\.\d+)?\s?%")


@dataclass(frozen=True)
class SignInApp:
    url: str
    provider: OidcProvider


# --- fixtures ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def provider() -> Iterator[OidcProvider]:
    test_provider = OidcProvider(client_id="neglect-dashboard-tests", client_secret=secrets.token_urlsafe(24),
                                 users=[SCRUTINY, POLICE_MANAGER, HEALTH_LEAD, UNLISTED])
    with test_provider.running():
        yield test_provider


@pytest.fixture(scope="module")
def sign_in_app(provider: OidcProvider, demo_db_copy: Callable[[], Path],
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[SignInApp]:
    """The app with ``[auth]`` for the test provider, its own demo database and roles file, no local mode."""
    folder = tmp_path_factory.mktemp("sign-in")
    port = free_port()
    redirect_uri = f"http://127.0.0.1:{port}/oauth2callback"
    provider.redirect_uris.append(redirect_uri)  # "registering the app" with the provider
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "{redirect_uri}"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        f'client_id = "{provider.client_id}"\n'
        f'client_secret = "{provider.client_secret}"\n'
        f'server_metadata_url = "{provider.discovery_url}"\n', encoding="utf-8")
    roles_file = folder / "roles.toml"
    roles_file.write_text(ROLES_TOML, encoding="utf-8")
    env = {**base_env(), "DASHBOARD_DB": str(demo_db_copy()), "DASHBOARD_ROLES": str(roles_file)}
    assert "DASHBOARD_LOCAL" not in env
    with start_app(env, log_name="streamlit-sign-in", port=port, args=["--secrets.files", str(secrets_file)]) as url:
        yield SignInApp(url, provider)


# --- steps ---------------------------------------------------------------------------------------------

def heading(page: Page):
    return page.get_by_test_id("stMain").locator("h1").first


def nav_titles(page: Page) -> set[str]:
    # A link's text is its icon's ligature name, then its title.
    return {text.strip().split("\n")[-1].strip()
            for text in page.get_by_test_id("stSidebarNav").locator("a").all_inner_texts()}


def expect_no_data(page: Page) -> None:
    for test_id in DATA_TEST_IDS:
        expect(page.get_by_test_id(test_id)).to_have_count(0)
    main_text = page.get_by_test_id("stMain").inner_text()
    assert not PERCENTAGE.search(main_text), f"a figure is shown before sign-in: {main_text!r}"
    assert "Headline figures" not in main_text


def open_app(page: Page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    wait_for_run(page)


def auth_cookies(page: Page) -> set[str]:
    return {c["name"] for c in page.context.cookies() if c["name"].startswith("_streamlit_user")}


def sign_in(page: Page, app: SignInApp, user: TestUser) -> None:
    """From the app's sign-in page, through the provider's page, back to the app signed in as ``user``."""
    open_app(page, app.url)
    expect(heading(page)).to_have_text(SIGN_IN_HEADING)
    expect_no_data(page)
    assert not auth_cookies(page)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{app.provider.issuer}/authorize?*")
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_role("button", name=f"{user.name} ({user.email})").click()
    page.wait_for_url(f"{app.url}/")  # /oauth2callback redirects to the app's root once the cookie is set
    wait_for_run(page)
    assert {"_streamlit_user", "_streamlit_user_tokens"} <= auth_cookies(page)


def sign_out(page: Page, app: SignInApp, button: str = "Sign out") -> None:
    page.get_by_role("button", name=button).click()
    # Streamlit's /auth/logout goes to the provider's end_session_endpoint, which comes back to the app.
    page.wait_for_url(f"{app.url}/")
    wait_for_run(page)
    expect(heading(page)).to_have_text(SIGN_IN_HEADING)
    # The app may already be at its root when the click lands, so the URL wait can return before the
    # logout round trip has cleared the cookie: give it a few seconds to go.
    deadline = time.monotonic() + 10
    while auth_cookies(page) and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert not auth_cookies(page), "signing out left the identity cookie in the browser"


def expect_page_not_served(page: Page, url: str, url_path: str, still_heading: str) -> None:
    """A page outside the person's role is not registered: its URL runs the default page instead."""
    open_app(page, f"{url}{url_path}")
    expect(page.get_by_role("dialog")).to_contain_text("Page not found")
    expect(heading(page)).to_have_text(still_heading)


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"sign-in-{name}.png"))


# --- tests ---------------------------------------------------------------------------------------------

def test_scrutiny_then_police_manager_sign_in_and_out(page: Page, sign_in_app: SignInApp) -> None:
    app = sign_in_app
    sign_in(page, app, SCRUTINY)
    wait_for_render(page)
    expect(heading(page)).to_have_text(SUMMARY_HEADING)
    expect(page.get_by_test_id("stMain")).to_contain_text("Headline figures")
    expect(page.get_by_test_id("stSidebar")).to_contain_text(f"Signed in as {SCRUTINY.name} (scrutiny)")
    # One page only: Streamlit draws no navigation menu for a single page.
    assert nav_titles(page) <= {"Summary"}, nav_titles(page)
    screenshot(page, "scrutiny-summary")
    expect_page_not_served(page, app.url, "/mash", SUMMARY_HEADING)
    assert nav_titles(page) <= {"Summary"}
    page.keyboard.press("Escape")

    sign_out(page, app)

    sign_in(page, app, POLICE_MANAGER)
    expect(page.get_by_test_id("stSidebar")).to_contain_text(f"Signed in as {POLICE_MANAGER.name} (manager, Police)")
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()
    assert nav_titles(page) == MANAGER_PAGES
    open_app(page, f"{app.url}/upload")
    expect(heading(page)).to_have_text("Upload a return")
    expect(page.get_by_test_id("stMain")).to_contain_text("Submitting agency: Police")
    expect(page.get_by_test_id("stSelectbox").filter(has_text="Submitting agency")).to_have_count(0)
    screenshot(page, "police-manager-upload")
    expect_page_not_served(page, app.url, "/audit_trail", SUMMARY_HEADING)
    page.keyboard.press("Escape")
    sign_out(page, app)

    # What Streamlit and Authlib did against the provider: the code flow with PKCE S256, two good exchanges.
    authorizations = [e for e in app.provider.log if e["endpoint"] == "authorize"]
    exchanges = [e for e in app.provider.log if e["endpoint"] == "token"]
    assert authorizations and all(e.get("code_challenge_method") == "S256" and e.get("nonce")
                                  for e in authorizations)
    assert len(exchanges) >= 2 and all(e["status"] == 200 and e.get("code_verifier") for e in exchanges)
    assert any(e["endpoint"] == "logout" for e in app.provider.log)
    assert not page.js_errors, page.js_errors


def test_role_from_the_groups_claim(page: Page, sign_in_app: SignInApp) -> None:
    sign_in(page, sign_in_app, HEALTH_LEAD)
    expect(page.get_by_test_id("stSidebar")).to_contain_text(f"Signed in as {HEALTH_LEAD.name} (manager, Health)")
    assert nav_titles(page) == MANAGER_PAGES
    open_app(page, f"{sign_in_app.url}/upload")
    expect(page.get_by_test_id("stMain")).to_contain_text("Submitting agency: Health")


def test_signed_in_person_not_in_the_roles_file_has_no_access(page: Page, sign_in_app: SignInApp) -> None:
    sign_in(page, sign_in_app, UNLISTED)
    expect(heading(page)).to_have_text("You do not have access yet")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text(UNLISTED.email)
    # ui.literal puts an invisible word joiner before the "@", so the address is not made into a link.
    expect(main).to_contain_text(re.compile("lscp\u2060?@example\\.org"))
    expect_no_data(page)
    screenshot(page, "no-access")
    expect_page_not_served(page, sign_in_app.url, "/mash", "You do not have access yet")
    expect_no_data(page)
    page.keyboard.press("Escape")
    sign_out(page, sign_in_app)


def test_neither_sign_in_nor_local_mode_shows_no_data(page: Page, demo_db_copy: Callable[[], Path],
                                                       tmp_path: Path) -> None:
    env = {**base_env(), "DASHBOARD_DB": str(demo_db_copy()), "DASHBOARD_ROLES": str(tmp_path / "roles.toml")}
    (tmp_path / "roles.toml").write_text(ROLES_TOML, encoding="utf-8")
    # No secrets file at all (as on a fresh server): not the repository's, not ~/.streamlit's.
    no_secrets = ["--secrets.files", str(tmp_path / "no-such-secrets.toml")]
    with start_app(env, log_name="streamlit-not-configured", args=no_secrets) as url:
        for url_path in ("/mash", "/"):  # the screenshot below shows "/"
            open_app(page, f"{url}{url_path}")
            expect(heading(page)).to_have_text("Sign-in is not configured")
            expect_no_data(page)
            expect(page.get_by_role("button", name="Sign in")).to_have_count(0)
        screenshot(page, "not-configured")
        # Streamlit's own login route does nothing without [auth]: it sends the browser back to the app.
        page.goto(f"{url}/auth/login", wait_until="domcontentloaded")
        wait_for_run(page)
        expect(heading(page)).to_have_text("Sign-in is not configured")
        assert not auth_cookies(page)
