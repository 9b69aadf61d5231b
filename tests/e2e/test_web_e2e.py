"""The web page in a real browser against the real API and worker.

Headless Chromium from Debian's packages (``chromium``, ``chromium-driver``; ``.ci/run``
installs them), driven by Selenium through ``/usr/bin/chromedriver``: no browser or driver
download. A seed goes in through the form, and the test reads the side-by-side result the
way a person would. Screenshots are saved under the test's tmp dir; set
``RINGKAS_SCREENSHOT`` to a path to copy the desktop one there (how docs/screenshot.png
is made).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

from ringkas.stack import Stack

pytestmark = pytest.mark.slow

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_1b270c60e0edda55.txt"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

# Every control with the name a screen reader would announce: its <label>s (for= or
# wrapping), aria-label, aria-labelledby, or a button's own text.
UNLABELLED_CONTROLS_JS = """
const named = (el) => (el.labels && [...el.labels].some(l => l.textContent.trim()))
  || (el.getAttribute('aria-label') || '').trim()
  || (el.getAttribute('aria-labelledby') || '').split(/\\s+/).some(
       id => id && document.getElementById(id) && document.getElementById(id).textContent.trim())
  || (el.tagName === 'BUTTON' && el.textContent.trim());
return [...document.querySelectorAll('input, select, textarea, button, progress')]
  .filter(el => el.type !== 'hidden' && !named(el))
  .map(el => el.outerHTML.slice(0, 120));
"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    # Selenium Manager would try to download a browser or driver: tell it not to.
    os.environ.setdefault("SE_OFFLINE", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
        "--window-size=1280,1000",
    ):
        options.add_argument(flag)
    # The console, to see what the Content-Security-Policy blocked.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def read_seed() -> tuple[str, str]:
    title, _, body = SEED.read_text(encoding="utf-8").partition("\n")
    return title.strip(), body.strip()


def full_page_screenshot(driver: webdriver.Chrome, path: Path, width: int) -> None:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(int(height) + 120, 4000))
    driver.save_screenshot(str(path))


def test_submit_a_seed_and_read_it_side_by_side(
    browser: webdriver.Chrome, stack: Stack, http: httpx.Client, tmp_path: Path
) -> None:
    title, body = read_seed()
    browser.set_window_size(1280, 1000)
    browser.get(f"{stack.base_url}/")
    assert browser.find_elements(By.CSS_SELECTOR, "label[for=title-1]")

    browser.find_element(By.ID, "title-1").send_keys(title)
    # send_keys types character by character; setting the value is as good and faster.
    browser.execute_script("document.getElementById('text-1').value = arguments[0];", body)
    Select(browser.find_element(By.ID, "lang-1")).select_by_value("id")
    browser.find_element(By.ID, "submit").click()

    wait = WebDriverWait(browser, 240, poll_frequency=0.3)
    wait.until(lambda d: d.find_element(By.ID, "job").get_attribute("data-status") == "succeeded")
    wait.until(expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, ".article")))
    job_id = browser.find_element(By.ID, "job-id").text
    job = http.get(f"/v1/jobs/{job_id}").json()
    result = job["articles"][0]["result"]

    article = browser.find_element(By.CSS_SELECTOR, ".article")
    assert article.find_element(By.TAG_NAME, "h3").text == title
    # The brief comes first, above the paragraphs.
    brief = article.find_element(By.CSS_SELECTOR, ".brief p")
    assert brief.text == " ".join(result["brief"].split())
    first_pair = article.find_element(By.CSS_SELECTOR, ".pair")
    assert brief.location["y"] < first_pair.location["y"]
    # One row per paragraph: source on the left, its translation on the right.
    pairs = article.find_elements(By.CSS_SELECTOR, ".pair")
    assert len(pairs) == len(result["paragraphs"])
    for row, paragraph in zip(pairs, result["paragraphs"], strict=True):
        source = row.find_element(By.CSS_SELECTOR, ".source")
        translation = row.find_element(By.CSS_SELECTOR, ".translation")
        assert source.text == " ".join(paragraph["source"].split())
        assert translation.text == " ".join(paragraph["translation"].split())
        assert source.location["y"] == translation.location["y"]
        assert source.location["x"] < translation.location["x"]
    # The demo models answered: the banner says so.
    assert result["demo_models"] is True
    assert "gibberish by design" in browser.find_element(By.ID, "demo-banner").text
    # Copy / Download Markdown take the API's document, the one `ringkas batch` writes.
    markdown = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "markdown(lastJob).then(done, (e) => done(`ERROR ${e.message}`));"
    )
    assert markdown == http.get(f"/v1/jobs/{job_id}/markdown").text
    assert markdown.startswith("# Ringkas results\n") and "### Brief" in markdown
    status = browser.find_element(By.ID, "job-status").text
    assert "1/1 articles" in status and "sentences" in status
    assert not browser.execute_script(UNLABELLED_CONTROLS_JS)

    desktop = tmp_path / "desktop.png"
    full_page_screenshot(browser, desktop, 1280)
    assert desktop.stat().st_size > 10_000
    if target := os.environ.get("RINGKAS_SCREENSHOT"):
        # The README's picture: progress, banner, brief and the first paragraphs side by side.
        browser.set_window_size(1280, 1400)
        browser.execute_script("document.getElementById('job').scrollIntoView()")
        browser.save_screenshot(target)

    # At 360 px: nothing wider than the screen, and the pairs stack (translation below).
    browser.set_window_size(360, 800)
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page is {overflow} px wider than a 360 px screen"
    row = browser.find_element(By.CSS_SELECTOR, ".pair")
    source = row.find_element(By.CSS_SELECTOR, ".source")
    translation = row.find_element(By.CSS_SELECTOR, ".translation")
    assert translation.location["y"] > source.location["y"]
    full_page_screenshot(browser, tmp_path / "phone.png", 360)


def test_files_load_into_the_form(browser: webdriver.Chrome, stack: Stack, tmp_path: Path) -> None:
    jsonl = tmp_path / "two.jsonl"
    jsonl.write_text(
        '{"id": "a", "title": "Satu", "text": "Teks satu."}\n'
        '{"id": "b", "title": "Two", "text": "Text two.", "source_lang": "en"}\n',
        encoding="utf-8",
    )
    browser.get(f"{stack.base_url}/")
    browser.find_element(By.ID, "file-input").send_keys(str(jsonl))
    WebDriverWait(browser, 10).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, ".article-input")) == 2
    )
    titles = [e.get_attribute("value") for e in browser.find_elements(By.NAME, "title")]
    langs = [e.get_attribute("value") for e in browser.find_elements(By.NAME, "source_lang")]
    assert (titles, langs) == (["Satu", "Two"], ["id", "en"])


def test_the_page_at_360_px_before_any_job(browser: webdriver.Chrome, stack: Stack) -> None:
    browser.set_window_size(360, 800)
    browser.get(f"{stack.base_url}/")
    browser.find_element(By.ID, "add-article").click()
    assert len(browser.find_elements(By.CSS_SELECTOR, ".article-input")) == 2
    body_width = browser.execute_script("return document.body.scrollWidth")
    viewport = browser.execute_script("return document.documentElement.clientWidth")
    assert body_width <= viewport
    assert not browser.execute_script(UNLABELLED_CONTROLS_JS)
    # Submitting nothing is refused in the page, with a message.
    browser.execute_script("document.getElementById('text-1').value = ''")
    browser.find_element(By.ID, "submit").click()
    assert browser.find_element(By.ID, "form-error").text


def blocked_by_csp(browser: webdriver.Chrome) -> list[str]:
    """Console lines since the last call that say the Content-Security-Policy blocked
    something (read once: Chromium hands each line out once)."""
    return [
        entry["message"]
        for entry in browser.get_log("browser")
        if "Content Security Policy" in entry["message"]
    ]


def foreign_resources(browser: webdriver.Chrome, base_url: str) -> list[str]:
    names = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    return [name for name in names if not name.startswith(base_url)]


@pytest.mark.parametrize("path", ["/", "/docs"])
def test_page_and_docs_work_offline_under_the_csp(
    browser: webdriver.Chrome, stack: Stack, path: str
) -> None:
    browser.set_window_size(1280, 1000)
    blocked_by_csp(browser)  # forget what earlier tests logged
    browser.get(f"{stack.base_url}{path}")

    if path == "/docs":
        # Swagger UI has read /openapi.json and drawn one block per operation.
        WebDriverWait(browser, 30).until(
            lambda d: len(d.find_elements(By.CSS_SELECTOR, ".opblock")) >= 4
        )
        summaries = browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")
        assert "/v1/jobs" in {s.get_attribute("data-path") for s in summaries}
    else:
        browser.find_element(By.ID, "add-article").click()
        assert len(browser.find_elements(By.CSS_SELECTOR, ".article-input")) == 2

    assert not blocked_by_csp(browser)
    assert not foreign_resources(browser, stack.base_url)


def test_sentences_the_adequacy_check_flags_are_highlighted(
    browser: webdriver.Chrome, stack: Stack, http: httpx.Client
) -> None:
    root = Path(__file__).resolve().parents[2]
    shared = root.parent / "shared" / "data" / "flores-dev.id"
    if not shared.is_file():  # a worktree: ../../shared
        shared = root.parent.parent / "shared" / "data" / "flores-dev.id"
    lines = shared.read_text(encoding="utf-8").splitlines()[:3]  # real FLORES dev lines
    browser.set_window_size(1280, 1000)
    browser.get(f"{stack.base_url}/")
    browser.execute_script(
        "document.getElementById('text-1').value = arguments[0];", " ".join(lines)
    )
    Select(browser.find_element(By.ID, "lang-1")).select_by_value("id")
    browser.find_element(By.ID, "task-brief").click()  # off: translate and adequacy only
    browser.find_element(By.ID, "task-adequacy").click()
    browser.find_element(By.ID, "submit").click()

    wait = WebDriverWait(browser, 240, poll_frequency=0.3)
    wait.until(lambda d: d.find_element(By.ID, "job").get_attribute("data-status") == "succeeded")
    wait.until(expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, ".article")))
    job = http.get(f"/v1/jobs/{browser.find_element(By.ID, 'job-id').text}").json()
    result = job["articles"][0]["result"]
    assert job["tasks"] == ["translate", "adequacy"]

    # The demo models' gibberish: every sentence flagged, each one highlighted.
    flagged = browser.find_elements(By.CSS_SELECTOR, ".pair .translation .adequacy-low")
    assert len(flagged) == result["adequacy"]["flagged"] == len(result["sentences_detail"])
    for span, detail in zip(flagged, result["sentences_detail"], strict=True):
        assert span.text == " ".join(detail["translation"].split())
        assert span.get_attribute("title").startswith(f"adequacy {detail['adequacy']:.2f}")
    summary = browser.find_element(By.CSS_SELECTOR, ".article p.adequacy").text
    assert f"{len(flagged)} of {len(flagged)} sentence(s) may not match their source" in summary
