"""The browser the report and UI tests drive is on this machine and renders a page."""

from browser import PageLog, chromium


def test_chromium_renders_a_local_page_offline(tmp_path):
    page_file = tmp_path / "page.html"
    page_file.write_text("<!doctype html><title>t</title><h1 id='h'>placesim</h1>")
    with chromium() as browser:
        page = browser.new_page()
        log = PageLog()
        log.watch(page)
        page.goto(page_file.as_uri())
        assert page.inner_text("#h") == "placesim"
        assert log == PageLog()
