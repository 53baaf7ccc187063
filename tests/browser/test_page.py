"""The web page in a real headless Chromium (Debian's, driven by its chromedriver), served
on 127.0.0.1 from the data `make run` ingests: markers, the time slider, an event, and the
article view's highlight equal to the evidence the API returns."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from fogofwar import pipeline, webpage
from fogofwar.config import Settings
from fogofwar.store import open_store

from ..conftest import ROOT, SAMPLES, need

pytestmark = [pytest.mark.browser, pytest.mark.model, pytest.mark.network]
ARTIFACTS = Path(os.environ.get("FOGOFWAR_ARTIFACTS", ROOT / "tests" / "artifacts"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


EDITOR = "editor:page-test-secret"  # a write token, NAME:SECRET


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The data `make run` serves: the bundled sample articles, ingested."""
    db = str(tmp_path_factory.mktemp("page") / "run.db")
    store = open_store(db)
    try:
        pipeline.ingest([str(SAMPLES)], store=store, settings=Settings(db=db))
    finally:
        store.close()
    return db


@pytest.fixture(scope="module")
def server(sample_db: str) -> Iterator[str]:
    yield from serve(Settings(db=sample_db), read_only=True)


@pytest.fixture
def editing_server(sample_db: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    copy = tmp_path / "edit.db"
    shutil.copyfile(sample_db, copy)
    for base in serve(Settings(db=str(copy)), token=EDITOR):
        yield base, str(copy)


def serve(settings: Settings, **options: object) -> Iterator[str]:
    import uvicorn

    from fogofwar.api import create_app

    need(webpage.vendor_dir() is not None, "the page's npm libraries are not installed (make web)")
    port = free_port()
    config = uvicorn.Config(create_app(settings, **options), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        pytest.fail("the server did not start within 30 s")
    try:
        yield base
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = shutil.which("chromium")
    driver_path = shutil.which("chromedriver")
    need(bool(chromium and driver_path), "Debian's chromium and chromium-driver are not installed")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-background-networking", "--disable-dev-shm-usage",
                "--window-size=1400,1100", "--disable-gpu"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(predicate, what: str, timeout: float = 30.0):  # noqa: ANN001, ANN201 - a polling helper
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def test_map_slider_event_and_highlighted_evidence(server: str, browser: object) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(server + "/")
    wait_for(lambda: driver.execute_script("return document.body.dataset.ready === 'true'"), "the page to load")
    assert driver.execute_script("return document.getElementById('status').textContent") == ""
    markers = driver.find_elements(By.CSS_SELECTOR, "path.ev-marker")
    api_events = httpx.get(f"{server}/events", params={"limit": 500}).json()
    located = [e for e in api_events["items"] if e["place"] and e["place"]["place"]]
    codes = sorted({e["place"]["place"]["admin1"] for e in located if e["place"]["place"]["latitude"] is None
                    and e["place"]["place"]["admin1"]})
    centres = {r["code"]: r for r in httpx.get(f"{server}/regions", params={"code": codes}).json()}
    assert codes and all(centres[c]["latitude"] is not None for c in codes)  # the samples' regions have towns
    region_level = ("adm1", "adm2", "vague")
    placed = [e for e in located if e["place"]["place"]["latitude"] is not None
              or (e["place"]["precision"] in region_level and e["place"]["place"]["admin1"] in centres)]
    assert len(markers) == len(placed) > 0
    # region-level events are discs, never pins
    regions = [e for e in placed if e["place"]["precision"] in region_level]
    assert len(driver.find_elements(By.CSS_SELECTOR, "path.ev-region")) == len(regions) > 0

    # the time slider: its first day shows only the events dated up to that day
    shown_all = len(driver.find_elements(By.CSS_SELECTOR, "#event-list li"))
    driver.execute_script("const s = document.getElementById('time-slider'); s.value = 0;"
                          "s.dispatchEvent(new Event('input'));")
    first_day = driver.find_element(By.ID, "time-label").text
    dated = [e for e in api_events["items"] if e["date"]["start"] and e["date"]["start"] <= first_day]
    assert len(driver.find_elements(By.CSS_SELECTOR, "#event-list li")) == len(dated) < shown_all
    driver.execute_script("const s = document.getElementById('time-slider'); s.value = s.max;"
                          "s.dispatchEvent(new Event('input'));")
    assert driver.find_element(By.ID, "time-label").text == "all dates"

    # open an event from its marker on the map
    event_id = driver.execute_script(  # a marker that nothing covers at its centre
        "for (const m of document.querySelectorAll('path.ev-point, path.ev-marker')) {"
        "  const r = m.getBoundingClientRect();"
        "  if (document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === m) return m.dataset.eventId; }"
        "return null;")
    assert event_id
    target = driver.find_element(By.CSS_SELECTOR, f"path.ev-marker[data-event-id='{event_id}']")
    ActionChains(driver).move_to_element(target).click().perform()
    wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "#article-text mark.evidence"), "the article view")
    detail = httpx.get(f"{server}/events/{event_id}").json()
    assert driver.find_element(By.CSS_SELECTOR, "#event-detail code").text == detail["event"]["id"]
    highlighted = driver.find_element(By.CSS_SELECTOR, "#article-text mark.evidence").get_attribute("textContent")
    assert highlighted == detail["reports"][0]["event"]["evidence"]["text"]

    # the claims board draws the selected measure's figures
    assert driver.find_elements(By.CSS_SELECTOR, "#chart svg circle.value")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert driver.save_screenshot(str(ARTIFACTS / "page.png"))
    assert (ARTIFACTS / "page.png").stat().st_size > 10_000


def test_an_edit_in_the_page_reaches_the_export_and_the_audit_trail(editing_server: tuple[str, str],
                                                                    browser: object) -> None:
    from selenium.webdriver.common.by import By

    from fogofwar import export

    base, db = editing_server
    driver = browser
    driver.get(base + "/")
    wait_for(lambda: driver.execute_script("return document.body.dataset.ready === 'true'"), "the page to load")
    events = httpx.get(f"{base}/events", params={"limit": 500}).json()["items"]
    target = next(e for e in events if e["event_type"] != "Strategic developments")
    report_id = target["event_ids"][0]
    driver.find_element(By.ID, "token").send_keys(EDITOR.split(":", 1)[1])  # the secret is what is sent
    driver.execute_script(f"document.querySelector(`#event-list li[data-event-id='{target['id']}']`).click()")
    wait_for(lambda: driver.find_element(By.ID, "correct-form").is_displayed(), "the correction form")
    driver.find_element(By.ID, "correct-value").send_keys("Strategic developments / Other")
    driver.find_element(By.ID, "correct-reason").send_keys("a statement, not fighting")
    driver.find_element(By.ID, "correct-submit").click()
    wait_for(lambda: driver.find_element(By.ID, "correct-result").text, "the correction's answer")
    assert driver.find_element(By.ID, "correct-result").text == "corrected"
    wait_for(lambda: "Strategic developments / Other" in driver.find_element(By.ID, "event-detail").text,
             "the corrected event")
    trail = wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "#audit-list li.audit-entry"), "the audit trail")
    assert len(trail) == 1 and "editor" in trail[0].text and "a statement, not fighting" in trail[0].text

    store = open_store(db)
    try:
        rows = [r for r in export.event_rows(store) if report_id in (r["fow_report_ids"] or "").split("; ")]
    finally:
        store.close()
    assert [(r["event_type"], r["sub_event_type"]) for r in rows] == [("Strategic developments", "Other")]
    assert "type" in rows[0]["fow_corrected"]
