"""The staff portal in a real browser (Debian's chromium through Selenium and Debian's chromedriver).

The whole path a new owner takes, with real parts only: `slotline serve` as its own process, the invitation
made by `slotline users invite`, sent by `slotline worker --once` through the outbox to a local SMTP server
(aiosmtpd), the link read from the received email and opened in chromium; set a password, log in, the day
view of 15 staff on a phone (390 px) and a desktop, move an appointment through its form while a second
browser (its own cookies: a second "context") holds the same form from before the move and submits it
after: "changed meanwhile", the current state shown, nothing written; then close a callback. Every page is
screenshotted (PNG under tmp_path, and also under $SLOTLINE_SCREENSHOTS when set) and checked for a page
wider than the window (the phone layout must scroll the board, not the page).

Runs when SLOTLINE_BROWSER_TESTS=1 (.ci/run sets it after installing chromium) and always under CI=true:
there a missing chromium or chromedriver fails the test instead of skipping it.
"""

from __future__ import annotations

import asyncio
import base64
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from agent_functions.replay.seed import insert_appointment
from booking_core.clock import SystemClock
from booking_core.domain import CustomerInput
from booking_core.opening import day_hours
from booking_core.service import BookingService
from booking_core.storage.db import Database
from booking_core.storage.models import Appointment, AuditEntry, CallbackRequest
from booking_core.tenant_config import TenantConfig
from booking_core.tenant_file import read_tenant_file
from booking_core.tenant_store import save_tenant
from tests.fakes.smtp import SmtpSink

pytestmark = pytest.mark.browser

IN_CI = os.environ.get("CI") == "true"
ENABLED = IN_CI or os.environ.get("SLOTLINE_BROWSER_TESTS") == "1"
if not ENABLED:
    pytest.skip(
        "browser test: set SLOTLINE_BROWSER_TESTS=1 with Debian's chromium and chromium-driver installed "
        "(.ci/run does; under CI=true it always runs)",
        allow_module_level=True,
    )

from selenium import webdriver  # noqa: E402 - only when the test runs (selenium is a test dependency)
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402
from selenium.webdriver.support.wait import WebDriverWait  # noqa: E402

BIN = Path(sys.executable).parent
ZONE = ZoneInfo("Europe/Berlin")
PASSWORD = "Lindenhof sagt hallo 42"
OWNER = "inhaberin@salon.example"
PHONE, DESKTOP = (390, 844), (1366, 900)
STAFF = 15


def browser_binaries() -> tuple[str, str]:
    """(chromium, chromedriver) from PATH, or the test fails saying how to install them."""
    chromium = next((p for n in ("chromium", "chromium-browser") if (p := shutil.which(n))), None)
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        pytest.fail(
            "the browser test needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)"
        )
    return chromium, driver


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def visiting_day(tenant: TenantConfig, today: date) -> date:
    """A weekday at least three days ahead on which the salon is open (moves and cancels are free then;
    no public holiday or closure, whatever the date the test runs)."""
    day = today + timedelta(days=3)
    while day.weekday() >= 5 or day_hours(tenant, day).closed is not None or not day_hours(tenant, day).hours:
        day += timedelta(days=1)
    return day


def big_salon() -> TenantConfig:
    """demo-salon with 15 stylists who do every service, names of ordinary length."""
    doc = read_tenant_file("fixtures/tenants/demo-salon.yaml").model_dump(mode="json", by_alias=True)
    template = next(s for s in doc["staff"] if s["id"] == "emma")
    first = ["Anna", "Ben", "Carla", "Dana", "Emil", "Frieda", "Greta", "Hanna", "Ida", "Jonas", "Kira", "Lukas"]
    first += ["Mara", "Nils", "Olga"]
    every = [s["id"] for s in doc["services"]]
    doc["staff"] = [
        {**template, "id": f"s{i:02d}", "name": f"{name} Sommerfeld", "aliases": [], "absences": [], "services": every}
        for i, name in enumerate(first[:STAFF], start=1)
    ]
    return TenantConfig.model_validate(doc)


async def seed(url: str, day: date) -> tuple[str, str]:
    """The tenant, 4 appointments per stylist (one with a processing gap) and an open callback; the id of
    the appointment the test moves (s01, 10:00) and of the callback."""
    db = Database(url)
    clock = SystemClock()
    tenant = big_salon()
    await save_tenant(db, tenant, clock.now())
    moved = ""
    for n, member in enumerate(tenant.staff):
        plan = [("ansatzfaerbung", 9, 0), ("herrenhaarschnitt", 13, 0), ("damenhaarschnitt", 14, 30)]
        plan.append(("hairdetox", 18, 15 * (n % 4)))
        for i, (service, hour, minute) in enumerate(plan):
            start = datetime(day.year, day.month, day.day, hour + (i == 0 and n == 0), minute, tzinfo=ZONE)
            view = await insert_appointment(
                db,
                clock,
                tenant,
                service_id=service,
                staff_id=member.id,
                start=start,
                customer=CustomerInput(f"Kundin {n * 4 + i + 1}", f"+49151{n:03d}{i:04d}"),
            )
            if n == 0 and i == 0:
                moved = view.id  # s01's colouring at 10:00
    callback = await BookingService(db, clock).create_callback(
        tenant, call_id=None, customer_name="Petra Krause", phone="+4915112345678", reason="Preis für Balayage?"
    )
    await db.dispose()
    return moved, callback


async def snapshot(url: str, appointment_id: str) -> tuple[int, datetime, int, str]:
    """(version, start, audit rows, callback status) as stored: to prove what was and was not written."""
    db = Database(url)
    async with db.read() as session:
        appt = await session.get(Appointment, appointment_id)
        audits = await session.scalar(select(func.count()).select_from(AuditEntry))
        callback = await session.scalar(select(CallbackRequest.status))
    await db.dispose()
    assert appt is not None
    return appt.version, appt.start, int(audits or 0), str(callback)


@pytest.fixture
def server(database_url: str) -> Iterator[str]:
    """`slotline serve` on a free port over the test's database; its base URL."""
    port = free_port()
    env = {**os.environ, "SLOTLINE_RETELL_API_KEYS": "browser-test", "SLOTLINE_ADMIN_TOKEN": "browser-test"}
    args = [str(BIN / "slotline"), "serve", "--host", "127.0.0.1", "--port", str(port), "--database-url", database_url]
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"{base}/portal/login", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"slotline serve exited: {process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
                time.sleep(0.2)
        else:
            pytest.fail("slotline serve did not answer within 30 s")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _replaced(element: WebElement) -> bool:
    """Whether the page `element` belongs to has been replaced. Selenium's `staleness_of` knows only the
    stale-element error; while the next page loads chromium may instead answer "Node with given id does
    not belong to the document" (an unknown error), which means the same and failed a CI run."""
    try:
        element.is_enabled()
    except WebDriverException:
        return True
    return False


class Browser:
    """One chromium with its own profile (cookies): what Playwright calls a browser context."""

    def __init__(self, chromium: str, driver: str, size: tuple[int, int], shots: list[Path]) -> None:
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=de-DE"):
            options.add_argument(arg)
        options.add_argument(f"--window-size={size[0]},{size[1]}")
        if size[0] < 500:  # headless chromium keeps windows at least 500 px wide: emulate the phone's screen
            metrics = {"width": size[0], "height": size[1], "pixelRatio": 1, "mobile": True, "touch": True}
            options.add_experimental_option("mobileEmulation", {"deviceMetrics": metrics})
        self.driver: WebDriver = webdriver.Chrome(options=options, service=Service(executable_path=driver))
        self.driver.implicitly_wait(5)
        self.shots = shots

    def open(self, url: str) -> None:
        self.driver.get(url)

    def fill(self, css: str, value: str) -> None:
        field = self.driver.find_element(By.CSS_SELECTOR, css)
        field.clear()
        field.send_keys(value)

    def fill_by_script(self, css: str, value: str) -> None:
        """Date and time inputs: typing follows the browser's locale; set the ISO value instead."""
        field = self.driver.find_element(By.CSS_SELECTOR, css)
        self.driver.execute_script("arguments[0].value = arguments[1]", field, value)

    def click(self, css: str) -> None:
        """Click a link or a form's button and wait until the next page has replaced this one."""
        page = self.driver.find_element(By.TAG_NAME, "html")
        self.driver.find_element(By.CSS_SELECTOR, css).click()
        WebDriverWait(self.driver, 15).until(lambda _driver: _replaced(page))

    def text(self) -> str:
        return str(self.driver.find_element(By.TAG_NAME, "body").text)

    def shot(self, directory: Path, name: str) -> Path:
        """Screenshot the whole page (chromium's DevTools capture beyond the viewport, at most 4000 px
        tall); fails when the page is wider than the window (a layout that makes a phone scroll sideways)."""
        width = self.driver.execute_script("return window.innerWidth")
        page_width = self.driver.execute_script("return document.documentElement.scrollWidth")
        assert page_width <= width, f"{name}: page {page_width}px wide in a {width}px window"
        content = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": width, "height": min(content["height"], 4000), "scale": 1}
        png = self.driver.execute_cdp_cmd(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
        )
        path = directory / f"{len(self.shots) + 1:02d}-{name}.png"
        path.write_bytes(base64.b64decode(png["data"]))
        self.shots.append(path)
        return path

    def quit(self) -> None:
        self.driver.quit()


def invitation_link(database_url: str, base: str, sink: SmtpSink) -> str:
    """Invite with the CLI, send with the worker, read the link from the email the SMTP server got."""
    invite = [str(BIN / "slotline"), "users", "invite", "--tenant", "demo-salon", "--email", OWNER, "--role", "owner"]
    invite += ["--lang", "de", "--base-url", base, "--database-url", database_url]
    done = subprocess.run(invite, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    env = {**os.environ, **sink.env("Salon Lindenhof <termine@lindenhof.example>")}
    worker = [str(BIN / "slotline"), "worker", "--once", "--database-url", database_url]
    sent = subprocess.run(worker, capture_output=True, text=True, timeout=60, env=env)
    assert sent.returncode == 0, sent.stderr
    mails = [m for m in sink.mails if OWNER in str(m["To"])]
    assert len(mails) == 1, [str(m["To"]) for m in sink.mails]
    body = mails[0].get_body(preferencelist=("plain",))
    assert body is not None
    found = re.search(rf"{re.escape(base)}/portal/accept/[A-Za-z0-9_\-]+", body.get_content())
    assert found, body.get_content()
    return found.group(0)


def log_in(browser: Browser, base: str) -> None:
    browser.open(f"{base}/portal/login")
    browser.fill("#email", OWNER)
    browser.fill("#password", PASSWORD)
    browser.click("button[type=submit]")
    assert "/portal/day" in browser.driver.current_url, browser.text()[:300]


def test_owner_from_invitation_email_to_moving_an_appointment_and_closing_a_callback(
    database_url: str, server: str, tmp_path: Path
) -> None:
    chromium, driver = browser_binaries()
    day = visiting_day(big_salon(), datetime.now(ZONE).date())
    moved_id, callback_id = asyncio.run(seed(database_url, day))
    sink = SmtpSink().start()
    try:
        link = invitation_link(database_url, server, sink)
    finally:
        sink.stop()
    shots: list[Path] = []
    phone = Browser(chromium, driver, PHONE, shots)
    desk = Browser(chromium, driver, DESKTOP, shots)
    try:
        # the invitation link, the password, the login (on the phone)
        phone.open(link)
        assert OWNER in phone.text()
        phone.shot(tmp_path, "set-password-phone")
        phone.fill("#password", PASSWORD)
        phone.click("button[type=submit]")
        assert "Passwort gespeichert" in phone.text()
        phone.shot(tmp_path, "login-phone")
        log_in(phone, server)
        # the day: 15 columns, the board scrolls sideways inside the page on a phone
        phone.open(f"{server}/portal/day?date={day.isoformat()}")
        columns = phone.driver.find_elements(By.CSS_SELECTOR, ".col[data-staff-id]")
        assert len(columns) == STAFF
        assert len(phone.driver.find_elements(By.CSS_SELECTOR, '[data-kind="gap"]')) == STAFF
        phone.shot(tmp_path, "day-phone")
        # the second browser opens the appointment's form before the move
        log_in(desk, server)
        desk.open(f"{server}/portal/day?date={day.isoformat()}")
        assert len(desk.driver.find_elements(By.CSS_SELECTOR, ".col[data-staff-id]")) == STAFF
        desk.shot(tmp_path, "day-desktop")
        desk.open(f"{server}/portal/appointments/{moved_id}")
        desk.shot(tmp_path, "appointment-desktop")
        # the phone moves it (through the link on the day view) to 15:30
        phone.click(f'a[href="/portal/appointments/{moved_id}"]')
        assert "Kundin 1" in phone.text()
        phone.shot(tmp_path, "appointment-phone")
        phone.fill_by_script("form[action$='/move'] input[name=time]", "15:30")
        phone.click("form[action$='/move'] button")
        assert "Termin verschoben." in phone.text()
        phone.shot(tmp_path, "moved-phone")
        after_move = asyncio.run(snapshot(database_url, moved_id))
        assert after_move[0] == 2 and after_move[1].astimezone(ZONE).strftime("%H:%M") == "15:30"
        # the desktop's form is from before the move: refused, the current state shown, nothing written
        desk.fill_by_script("form[action$='/move'] input[name=time]", "16:30")
        desk.click("form[action$='/move'] button")
        assert "Inzwischen geändert" in desk.text()
        assert "15:30" in desk.text()
        version = desk.driver.find_element(By.CSS_SELECTOR, "table[data-version]").get_attribute("data-version")
        assert version == "2"
        desk.shot(tmp_path, "changed-meanwhile-desktop")
        assert asyncio.run(snapshot(database_url, moved_id)) == after_move
        # the callback inbox: close the open one
        phone.open(f"{server}/portal/callbacks")
        assert "Petra Krause" in phone.text()
        phone.shot(tmp_path, "callbacks-phone")
        phone.click(f'tr[data-callback-id="{callback_id}"] button')
        assert "Rückruf erledigt." in phone.text()
        phone.shot(tmp_path, "callback-closed-phone")
        assert asyncio.run(snapshot(database_url, moved_id))[3] == "done"
        # the owner's balance page renders on both sizes
        phone.open(f"{server}/portal/balance")
        phone.shot(tmp_path, "balance-phone")
    finally:
        phone.quit()
        desk.quit()
        keep = os.environ.get("SLOTLINE_SCREENSHOTS")
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            for path in shots:
                shutil.copy(path, Path(keep) / path.name)
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and p.stat().st_size > 5000 for p in shots)
