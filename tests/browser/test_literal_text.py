"""Text from outside is shown as text, in a real Chromium (issue 9, items 4 and 5).

A store is built through the real loaders from the demo plus returns whose every text field is hostile: an
action plan (aims, titles, officers, evidence, sustainability plans), a training register (course names), a
case audit return with a hostile theme header, and a decision recorded through the write path (note and
name). Every page is then visited as the administrator (local mode), and the Summary as a scrutiny member
signed in through OpenID Connect with a hostile display name. On each page:

- no request leaves for any host but the app's own (a planted image on another loopback port, and one on an
  outside host name, would be fetched if Markdown or HTML were interpreted);
- no element carries a planted URL in an ``href``/``src`` (no image, link or script was made from the data),
  no ``<script>`` or LaTeX was rendered and no JavaScript dialog opened;
- the planted text itself is on the page, character for character (markdown, labels and chart text).

And the table toolbar's "Download as CSV" of a table holding a formula-like decision note gives a CSV with no
cell starting with ``= + - @``, tab or carriage return (``ui.tables.show_table`` escapes the displayed copy).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import secrets
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from charts.export import FORMULA_STARTS
from loaders.text import slugify
from tests.browser.helpers import ROOT, base_env, each_tab, free_port, start_app, wait_for_render
from tests.browser.oidc_provider import OidcProvider, TestUser
from tests.browser.test_sign_in import SignInApp, sign_in
from tests.spreadsheets import dataset_rows, write_xlsx
from ui.literal import WORD_JOINER

pytestmark = pytest.mark.browser

DEAD_PORT = free_port()  # nothing listens here: a request to it would still show up in the browser's log
OUTSIDE = "evil.example"
PLANTED = (f"127.0.0.1:{DEAD_PORT}", OUTSIDE)


def hostile(tag: str) -> str:
    """Every construct Markdown, Streamlit or plotly might interpret, labelled with the field it sits in."""
    return (f"{tag} ![i](http://127.0.0.1:{DEAD_PORT}/{tag}.png) ![o](http://{OUTSIDE}/{tag}.png) **bold** "
            f":red[red] :material/home: [link](http://{OUTSIDE}/{tag}) <a href='http://{OUTSIDE}/a{tag}'>a</a> "
            f"<img src='http://{OUTSIDE}/i{tag}.png'> <script>alert(1)</script> $x^2$ <b>b</b> &amp; -> "
            f"bob@{OUTSIDE} www.{OUTSIDE} http://{OUTSIDE}/bare{tag}")


AIM, ACTION, OFFICER, EVIDENCE, SUSTAIN = (hostile(t) for t in ("AIM", "ACTION", "OFFICER", "EVIDENCE", "SUSTAIN"))
ACTION_ID = "+1 **A1** :red[x] &amp;"  # not "=": openpyxl would write that as a formula
COURSE, THEME = hostile("COURSE"), hostile("THEME")
# A file name holds anything but a slash: it comes back in the Upload page's withdraw selector.
FILE_NAME = (f"FILE **bold** :red[red] :tada: [link](evil.example) <b>b<i> $x^2$ (Individual: x) "
             f"bob@{OUTSIDE} -> &amp;.xlsx")
NOTE = f'=HYPERLINK("http://{OUTSIDE}/note","click") ' + hostile("NOTE")
DECIDED_BY = "@SUM(1) " + hostile("BY")
SCRUTINY = TestUser("scrutiny@example.org", hostile("PERSON"))


def _run(*args: str) -> None:
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=base_env(), capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"


def _returns(folder: Path) -> list[tuple[Path, str]]:
    """The hostile returns (file, submitting agency), written with openpyxl."""
    day = dt.date(2025, 6, 16)
    plan = dataset_rows("actions", [
        {"action_id": ACTION_ID, "priority_area": AIM, "action": ACTION, "lead_agency": "Health",
         "lead_officer": OFFICER, "measure": f"audits.theme.{slugify(THEME)}", "baseline": 50, "baseline_period":
         "2024-25 Q4", "target": 90, "due_period": "2026-27 Q4", "status": "In progress", "evidence": EVIDENCE,
         "sustainability_plan": SUSTAIN},
        {"action_id": "2.1", "priority_area": AIM, "action": "Decide contacts in time", "lead_agency": "Police",
         "measure": "contacts.decided_within_1wd", "baseline": 60, "baseline_period": "2024-25 Q4", "target": 90,
         "due_period": "2026-27 Q4", "status": "In progress"},
    ])
    training = dataset_rows("training", [
        {"session_date": day, "course": COURSE, "agency": "Health", "attended": "Yes", "session_id": "H1",
         "delegate_key": f"hostile{n}@example.org", "confidence_pre": 2, "confidence_post": 4} for n in range(8)])
    audits = dataset_rows("audits", [
        {"audit_id": f"H-{n}", "audit_date": day, "agency": "Police", "overall_grade": "Good",
         "theme": "Yes" if n % 3 else "No"} for n in range(8)], headers={"theme": THEME})
    return [(write_xlsx(folder / "plan.xlsx", {"Plan": plan}), "Safeguarding partnership"),
            (write_xlsx(folder / FILE_NAME, {"Register": training}), "Health"),
            (write_xlsx(folder / "audits.xlsx", {"Audits": audits}), "Police")]


@pytest.fixture(scope="module")
def hostile_db(demo_db_copy: Callable[[], Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo plus the hostile returns and decision, loaded through the real loaders and write path."""
    db = demo_db_copy()
    for path, agency in _returns(tmp_path_factory.mktemp("hostile-returns")):
        _run("-m", "loaders", str(path), "--agency", agency, "--db", str(db))
    _run("-m", "metrics", "decide", ACTION_ID, "--status", "In progress", "--note", NOTE, "--by", DECIDED_BY,
         "--db", str(db))
    return db


def _copy(db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy for one server (DuckDB lets one process open a file for writing)."""
    target = tmp_path_factory.mktemp("hostile-db") / db.name
    shutil.copyfile(db, target)
    return target


@pytest.fixture(scope="module")
def admin_url(hostile_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = {**base_env(), "DASHBOARD_DB": str(_copy(hostile_db, tmp_path_factory)), "DASHBOARD_LOCAL": "1"}
    with start_app(env, log_name="streamlit-literal-admin") as url:
        yield url


@pytest.fixture(scope="module")
def scrutiny_app(hostile_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SignInApp]:
    folder = tmp_path_factory.mktemp("literal-sign-in")
    port = free_port()
    redirect_uri = f"http://127.0.0.1:{port}/oauth2callback"
    provider = OidcProvider(client_id="literal-tests", client_secret=secrets.token_urlsafe(24), users=[SCRUTINY],
                            redirect_uris=[redirect_uri])
    roles_file = folder / "roles.toml"
    roles_file.write_text('contact = "lscp@example.org"\n[users."scrutiny@example.org"]\nrole = "scrutiny"\n',
                          encoding="utf-8")
    env = {**base_env(), "DASHBOARD_DB": str(_copy(hostile_db, tmp_path_factory)), "DASHBOARD_ROLES": str(roles_file)}
    with provider.running():  # the provider's address is known once it runs
        secrets_file = folder / "secrets.toml"
        secrets_file.write_text(
            f'[auth]\nredirect_uri = "{redirect_uri}"\ncookie_secret = "{secrets.token_hex(32)}"\n'
            f'client_id = "{provider.client_id}"\nclient_secret = "{provider.client_secret}"\n'
            f'server_metadata_url = "{provider.discovery_url}"\n', encoding="utf-8")
        with start_app(env, log_name="streamlit-literal-scrutiny", port=port,
                       args=["--secrets.files", str(secrets_file)]) as url:
            yield SignInApp(url, provider)


@dataclass
class Watch:
    """What the browser did while a page was shown: every request, every JavaScript dialog."""

    origin: str
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def outside(self) -> list[str]:
        return [u for u in self.requests if not u.startswith((self.origin + "/", "data:", "blob:"))
                and u != self.origin]


def _watch(page: Page, origin: str) -> Watch:
    watch = Watch(origin)
    page.on("request", lambda request: watch.requests.append(request.url))
    page.on("dialog", lambda dialog: (watch.dialogs.append(dialog.message), dialog.dismiss()))
    return watch


# Any attribute that would make the browser fetch or follow a planted URL.
PLANTED_ATTRIBUTES_JS = """(planted) => [...document.querySelectorAll('*')].flatMap(element =>
  [...element.attributes].filter(a => /^(href|src|srcset|xlink:href|action|poster|data)$/i.test(a.name)
    && planted.some(p => a.value.includes(p))).map(a => element.tagName + ' ' + a.name + '=' + a.value))"""


def _page_text(page: Page) -> str:
    """Everything the main area holds as text (collapsed expanders and chart SVG text included), with the
    invisible word joiners of ``ui.literal`` removed and white space collapsed."""
    text = page.get_by_test_id("stMain").evaluate("main => main.textContent")
    return " ".join(text.replace(WORD_JOINER, "").split())


def _check_shown(page: Page, watch: Watch, name: str) -> str:
    """What is drawn now is safe (no exception, request elsewhere, script, planted attribute); its text."""
    page.wait_for_timeout(500)  # an image planted in Markdown would be requested as soon as it is drawn
    main = page.get_by_test_id("stMain")
    exceptions = main.get_by_test_id("stException").all_inner_texts()
    assert not exceptions, f"{name}: {exceptions}"
    assert not watch.outside(), f"{name}: requests to other hosts: {watch.outside()}"
    assert not watch.dialogs, f"{name}: a script ran: {watch.dialogs}"
    assert page.evaluate(PLANTED_ATTRIBUTES_JS, list(PLANTED)) == [], name
    assert main.locator("script, .katex, img[src*='png']").count() == 0, name
    return _page_text(page)


def _check_page(page: Page, watch: Watch, name: str, literal: list[str]) -> None:
    wait_for_render(page)
    text = _check_shown(page, watch, name)
    # A page's sections are lazy tabs (only the open one is built): each is checked, its text read, in turn.
    for label in each_tab(page):
        text += " " + _check_shown(page, watch, f"{name}, tab {label}")
    missing = [value.split()[0] for value in literal if " ".join(value.split()) not in text]
    assert not missing, f"{name}: not shown literally: {missing}"
    assert not page.js_errors, f"{name}: JavaScript errors: {page.js_errors}"


ADMIN_PAGES = {
    "/": [AIM, f"Audits: {THEME}"],
    "/actions": [AIM, ACTION, OFFICER, EVIDENCE, SUSTAIN],
    "/training": [COURSE],
    "/audits": [THEME],
    "/mash": [],
    "/upload": [],
    "/about": [],
    "/audit_trail": [],
}


def test_every_page_shows_hostile_text_literally_to_the_administrator(page: Page, admin_url: str) -> None:
    watch = _watch(page, admin_url)
    for path, literal in ADMIN_PAGES.items():
        page.goto(f"{admin_url}{path}", wait_until="domcontentloaded")
        _check_page(page, watch, path, literal)
    # Meeting mode shows one action at a time in a header and caption instead of an expander.
    page.goto(f"{admin_url}/actions", wait_until="domcontentloaded")
    wait_for_render(page)
    page.get_by_test_id("stSidebar").get_by_text("Meeting mode").click()
    _check_page(page, watch, "/actions in meeting mode", [f"{ACTION_ID} · {ACTION}", AIM, OFFICER])
    # The evidence is one click away in meeting mode (the screen holds the action's headline only).
    page.get_by_test_id("stMain").get_by_text("Evidence, commentary and decisions").click()
    _check_page(page, watch, "/actions in meeting mode, details open", [EVIDENCE, SUSTAIN])
    assert any(u.startswith(admin_url) for u in watch.requests)  # the watch does see the app's own requests


def test_the_scrutiny_summary_shows_hostile_text_literally(page: Page, scrutiny_app: SignInApp) -> None:
    sign_in(page, scrutiny_app, SCRUTINY)
    watch = _watch(page, scrutiny_app.url)  # from here on: the provider's pages are behind us
    page.goto(f"{scrutiny_app.url}/", wait_until="domcontentloaded")
    _check_page(page, watch, "scrutiny summary", [AIM, f"Audits: {THEME}"])
    sidebar = " ".join(page.get_by_test_id("stSidebar").inner_text().replace(WORD_JOINER, "").split())
    assert f"Signed in as {' '.join(SCRUTINY.name.split())} (scrutiny)" in sidebar


def test_the_table_toolbar_download_carries_no_formula(page: Page, admin_url: str) -> None:
    # Chromium offers the File System Access save dialog, which a headless browser cannot answer; without it
    # Streamlit downloads the CSV as a file, as in Firefox or Safari.
    page.add_init_script("delete window.showSaveFilePicker")
    page.goto(f"{admin_url}/actions", wait_until="domcontentloaded")
    wait_for_render(page)
    main = page.get_by_test_id("stMain")
    action = main.get_by_test_id("stExpander").filter(has_text="**A1**").first
    if action.locator("details").first.get_attribute("open") is None:  # the current action opens by itself
        action.locator("summary").first.click()
    history = main.get_by_test_id("stDataFrame").filter(has_text="Recorded by")
    expect(history).to_have_count(1)
    history.hover()
    with page.expect_download() as download:
        history.get_by_role("button", name=re.compile("Download as CSV")).click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    header, *cells = rows
    assert header == ["Date", "Meeting", "Present", "Status", "Note", "Recorded by"], rows
    assert [row[4:] for row in cells] == [["'" + NOTE, "'" + DECIDED_BY]]  # shown as Excel would show them
    risky = [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]
    assert not risky, risky


def _open_options(page: Page, widget) -> list[str]:
    """Open a selectbox or multiselect and return the text of every option in its list."""
    combobox = widget.get_by_role("combobox")
    options = page.get_by_role("option")
    for _ in range(3):  # a click while the page is still laying out (tables, charts) can miss the opening
        combobox.scroll_into_view_if_needed()
        combobox.click()
        try:
            expect(options.first).to_be_visible(timeout=3000)
            break
        except AssertionError:
            page.keyboard.press("Escape")
    expect(options.first).to_be_visible()
    return options.all_inner_texts()


def test_drop_down_options_read_as_written(page: Page, admin_url: str) -> None:
    """A selectbox or multiselect draws its options as plain text (``ui.literal.option_literal``): the open list,
    the selected value and a chosen chip read exactly as written, without Markdown escapes, and still make no
    link, image or request."""
    watch = _watch(page, admin_url)
    page.goto(f"{admin_url}/upload", wait_until="domcontentloaded")
    wait_for_render(page)
    withdraw = page.locator(".st-key-withdraw_choice")
    options = _open_options(page, withdraw)
    [hostile_file] = [o for o in options if FILE_NAME in o]
    assert re.fullmatch(rf"\d+: {re.escape(FILE_NAME)} \(Health, \d\d/\d\d/\d{{4}}\)", hostile_file), hostile_file
    assert not [o for o in options if "\\" in o or WORD_JOINER in o], options
    page.get_by_role("option", name=hostile_file, exact=True).click()
    expect(withdraw.locator("input")).to_have_value(hostile_file)
    # The administrator's agency selector: "Children's social care" without a backslash before the apostrophe.
    assert "Children's social care" in _open_options(page, page.locator(".st-key-upload_agency"))
    expect(page.locator(".st-key-upload_agency input")).to_have_value("Children's social care")
    page.keyboard.press("Escape")

    page.goto(f"{admin_url}/actions", wait_until="domcontentloaded")
    wait_for_render(page)
    aims = page.locator(".st-key-actions_aim")
    assert AIM in _open_options(page, aims)
    page.get_by_role("option", name=AIM, exact=True).click()
    expect(aims.get_by_label(f"Remove {AIM}", exact=True)).to_have_count(1)  # the chip's accessible name
    page.keyboard.press("Escape")
    assert not watch.outside(), f"requests to other hosts: {watch.outside()}"
    assert page.evaluate(PLANTED_ATTRIBUTES_JS, list(PLANTED)) == []
    assert page.locator("[role=listbox] a, [role=listbox] img, .st-key-actions_aim a, .st-key-actions_aim img"
                        ).count() == 0
