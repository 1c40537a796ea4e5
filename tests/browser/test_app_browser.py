"""A clinician's path through the app in headless chromium (issue 13, "Tested in a real
browser"): log in, a new patient, a typo in a measurement and its message beside the field,
the assessment, the design page's 3D view changing when the arch height changes."""

from __future__ import annotations

import os
import re

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _login(page, url):
    page.goto(f"{url}/patients")
    assert "/login" in page.url  # no session: the login page
    page.fill("input[name=username]", "demo")
    page.fill("input[name=password]", "demo-clinician")
    page.click("button.primary")
    page.wait_for_url(f"{url}/patients")


def test_a_clinicians_visit_from_login_to_the_3d_view(server, browser):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    _login(page, server)
    # A new patient.
    page.click("text=New patient")
    page.fill("input[name=name]", "Browser Test")
    page.fill("input[name=code]", "BT-1")
    page.click("text=Add patient")
    page.wait_for_url(re.compile(r".*/patients/\d+$"))
    assert page.locator("h1").inner_text() == "Browser Test"
    # A typo: the command line's message beside the field, the value kept.
    page.click("text=New visit")
    page.fill("input[name=age]", "44")
    page.fill("input[name='left.foot_length_mm']", "2650")
    page.fill("input[name='right.foot_length_mm']", "266")
    page.select_option("select[name='left.fpi6.1']", "1")
    page.click("text=Save and assess")
    message = page.locator("[data-field='left.foot_length_mm']")
    assert "left.foot_length_mm = 2650 is out of range" in message.inner_text()
    assert page.input_value("input[name='left.foot_length_mm']") == "2650"
    assert "score all six items" in page.content()  # one FPI-6 item without the other five
    # Mended: the assessment.
    page.fill("input[name='left.foot_length_mm']", "265")
    page.select_option("select[name='left.fpi6.1']", "")
    page.click("text=Save and assess")
    page.wait_for_url(re.compile(r".*/visits/\d+$"))
    assert page.locator("h2", has_text="Left foot").count() == 1
    # The design page: the 3D view loads both insoles, and changes with the arch height.
    page.click("text=Design insoles")
    page.wait_for_function("document.getElementById('viewer').dataset.loaded", timeout=90_000)
    page.wait_for_timeout(500)
    first = page.get_attribute("#viewer", "data-loaded")
    before = page.locator("#viewer canvas").screenshot()
    page.fill("input[name='p.arch_height_mm']", "24")
    page.press("input[name='p.arch_height_mm']", "Tab")
    page.wait_for_function(f"document.getElementById('viewer').dataset.loaded !== {first!r}", timeout=90_000)
    page.wait_for_timeout(500)
    after = page.locator("#viewer canvas").screenshot()
    assert before != after, "the 3D view did not change with the arch height"
    assert "arch_height_mm = 24: set by the clinician" in page.locator("#preview").inner_text()
    # Coloured by stiffness zone, with its legend, and back to thickness.
    assert page.is_visible("#legend-thickness") and not page.is_visible("#legend-zones")
    page.check("#zones")
    page.wait_for_timeout(500)
    zoned = page.locator("#viewer canvas").screenshot()
    assert zoned != after, "the zones did not show"
    assert page.is_visible("#legend-zones") and not page.is_visible("#legend-thickness")
    page.check("#colour")
    page.wait_for_timeout(500)
    assert page.locator("#viewer canvas").screenshot() != zoned
    # Issue 15: each choice names the rule's pick; a shell chosen there is built and shown.
    assert page.locator("select[name='p.construction'] option").first.inner_text() == "rule: full-contact"
    assert page.locator("select[name='p.shoe'] option").first.inner_text() == "rule: everyday"
    coloured = page.locator("#viewer canvas").screenshot()
    first = page.get_attribute("#viewer", "data-loaded")
    page.select_option("select[name='p.construction']", "shell")
    page.wait_for_function(f"document.getElementById('viewer').dataset.loaded !== {first!r}", timeout=90_000)
    page.wait_for_timeout(500)
    assert page.locator("#viewer canvas").screenshot() != coloured, "the 3D view did not change to a shell"
    assert "construction = shell: set by the clinician" in page.locator("#preview").inner_text()
    if os.environ.get("ORTHOFIT_SCREENSHOTS"):  # to look at the page as a clinician sees it
        page.screenshot(path=os.path.join(os.environ["ORTHOFIT_SCREENSHOTS"], "design-shell.png"), full_page=True)
    page.close()


def test_pages_have_no_console_errors(server, browser):
    page = browser.new_page(viewport={"width": 800, "height": 1100})  # a tablet
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    _login(page, server)
    page.click("text=Maria Jensen")
    page.click("a[href^='/visits/']")
    page.click("text=Design insoles")
    page.wait_for_function("document.getElementById('viewer').dataset.loaded", timeout=90_000)
    assert errors == []
    page.close()


def test_approval_downloads_and_the_lab_queue(server, browser, cli, tmp_path, monkeypatch):
    """Approve in the browser; the downloads' hashes equal ``orthofit fit`` on the exported
    visit; the lab account sees the order and marks it printed."""
    import hashlib
    import io
    import shlex
    import urllib.request
    import zipfile

    page = browser.new_page(viewport={"width": 1366, "height": 768})
    _login(page, server)
    page.click("text=Jonas Berg")
    page.click("a[href^='/visits/']")
    page.click("text=Design insoles")
    page.wait_for_function("document.getElementById('viewer').dataset.loaded", timeout=90_000)
    page.click("text=Approve and freeze")
    page.wait_for_url(re.compile(r".*/visits/\d+$"), timeout=90_000)
    assert page.locator("h2", has_text="Approved prescription").count() == 1
    downloads = {}
    for link in page.locator("a[download]").all():
        with page.expect_download() as d:
            link.click()
        downloads[d.value.suggested_filename] = hashlib.sha256(open(d.value.path(), "rb").read()).hexdigest()
    assert len(downloads) == 10, downloads  # with both 3MFs of each foot and the lab sheet
    # The export, fetched with the browser's session, and the command line on it.
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies())
    visit = page.url
    req = urllib.request.Request(f"{visit}/export.zip", headers={"Cookie": cookies})
    with zipfile.ZipFile(io.BytesIO(urllib.request.urlopen(req).read())) as z:
        z.extractall(tmp_path)
    monkeypatch.chdir(tmp_path)
    r = cli(*shlex.split((tmp_path / "command.txt").read_text())[1:])
    assert r.code == 0, r
    made = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (tmp_path / "out").iterdir()}
    assert made == downloads
    page.click("text=Mark sent to lab")
    page.click("text=Log out")
    page.fill("input[name=username]", "lab")
    page.fill("input[name=password]", "demo-lab-user")
    page.click("button.primary")
    page.goto(f"{server}/lab")
    row = page.locator("tr", has_text="Jonas Berg")
    assert row.count() == 1 and "sent to lab" in row.inner_text()
    row.locator("text=Mark printed").click()
    page.wait_for_url(f"{server}/lab")
    assert "printed" in page.locator("tr", has_text="Jonas Berg").inner_text()
    page.close()
