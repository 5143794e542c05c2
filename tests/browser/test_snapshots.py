"""Snapshots from the page: "Download snapshot" saves the session as a file; "Load snapshot…" on a
new page carries on from it exactly (same step, weights and curves; the next step is the one the
original session takes); a damaged or foreign file is refused in words, and the page goes on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, Request, Route, expect

from app.settings import Settings
from tests.browser.conftest import PageLog
from tests.browser.helpers import (
    SLOW_VIEWS,
    open_page,
    session_id,
    show_regions,
    shown,
    step_count,
    wait_for_draws,
    wait_for_step,
    wait_for_views_to_catch_up,
)

pytestmark = pytest.mark.browser

CONFIG: dict[str, Any] = {
    "dataset": "xor",
    "hidden": [3],
    "activation": "tanh01",
    "learning_rate": 0.3,
    "max_weight": 0.5,
    "seed": 2,
    "sampling": "random",
}


def download_snapshot(page: Page, folder: Path) -> Path:
    """Clicks "Download snapshot"; the file, saved in ``folder`` under the name the page gave."""
    with page.expect_download() as info:
        page.get_by_role("button", name="Download snapshot").click()
    download = info.value
    path = folder / download.suggested_filename
    download.save_as(path)
    return path


def weights_shown(page: Page) -> list[Any]:
    return [layer["weights"] for layer in shown(page)]


def test_a_downloaded_snapshot_loads_and_carries_on_exactly(
    page: Page, server_url: str, api: httpx.Client, tmp_path: Path
):
    open_page(page, server_url, **CONFIG)
    page.click("#step-100")
    wait_for_step(page, 100)
    page.click("#step-10")
    wait_for_step(page, 110)
    original = session_id(page)
    weights = weights_shown(page)

    path = download_snapshot(page, tmp_path)
    assert path.name == "playground-xor-step110.json"
    document = json.loads(path.read_text())
    assert document["format"] == "delta-playground-snapshot"
    assert document["step"] == 110
    assert document == api.get(f"/api/sessions/{original}/snapshot").json()  # the server's, as is
    expect(page.locator("#note")).to_contain_text("Saved playground-xor-step110.json")

    # the page anew, with its default settings (iris): loading the file switches to xor at 110
    open_page(page, server_url)
    fresh = session_id(page)
    assert step_count(page) == 0
    # the curves' history requests are held unanswered until the curves are checked: the
    # history shown is the one the file carries, not one a request fetched in time
    held: list[Route] = []
    page.route("**/history", lambda route: held.append(route))
    page.get_by_label("Load snapshot").set_input_files(path)
    wait_for_step(page, 110)
    restored = session_id(page)
    assert restored not in (original, fresh)
    expect(page.locator("#note")).to_contain_text("Loaded playground-xor-step110.json")
    assert weights_shown(page) == weights  # the heatmaps: the very same numbers
    assert api.get(f"/api/sessions/{fresh}").status_code == 404  # the page's old one is gone
    # the controls and the link hold the snapshot's settings
    for field in ("dataset", "activation", "learning_rate", "seed"):
        expect(page.locator(f"#{field}")).to_have_value(str(CONFIG[field]))
    expect(page.locator("#hidden")).to_have_value("3")
    assert "dataset=xor" in page.url
    assert "hidden=3" in page.url
    # every view draws the restored state (the regions in sight), the curves its whole history
    show_regions(page)
    wait_for_views_to_catch_up(page, SLOW_VIEWS)
    curve = page.evaluate("document.getElementById('curves').data[0].x")
    assert curve == document["history"]["train"]["step"]  # every point, up to step 110
    assert len(curve) > 10
    for route in held:
        route.continue_()
    page.unroute("**/history")

    # one more step on each: the same sample, the same weights, to the last bit
    page.click("#step-1")
    wait_for_step(page, 111)
    expect(page.locator("#sample")).to_contain_text("Step 111:")
    step = api.post(f"/api/sessions/{original}/step", json={"n": 1}).json()
    assert step["step"] == 111
    assert weights_shown(page) == [layer["weights"] for layer in step["layers"]]
    assert f"sample #{step['trace']['sample']['index']} " in page.locator("#sample").inner_text()


def test_a_damaged_or_foreign_file_is_refused_in_words(
    page: Page, page_log: PageLog, server_url: str, api: httpx.Client, tmp_path: Path
):
    page_log.expect_http_errors = True  # the server's 422s
    open_page(page, server_url, dataset="xor")
    page.click("#step-10")
    wait_for_step(page, 10)
    sid = session_id(page)
    alert = page.get_by_role("alert")
    load = page.get_by_label("Load snapshot")

    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(api.get(f"/api/sessions/{sid}/snapshot").json())[:-40])
    load.set_input_files(broken)
    expect(alert).to_contain_text("Could not load the snapshot broken.json: it is not JSON")

    damaged = api.get(f"/api/sessions/{sid}/snapshot").json()
    damaged["weights"][0][0][1] = "oops"
    (tmp_path / "damaged.json").write_text(json.dumps(damaged))
    load.set_input_files(tmp_path / "damaged.json")
    # what the server found wrong, and where
    expect(alert).to_contain_text("Could not load the snapshot damaged.json: snapshot.weights")
    expect(alert).to_contain_text("oops")

    damaged["weights"][0] = [[0.5]]  # numbers, but not the shape of xor's net
    (tmp_path / "reshaped.json").write_text(json.dumps(damaged))
    load.set_input_files(tmp_path / "reshaped.json")
    expect(alert).to_contain_text("Could not load the snapshot reshaped.json: snapshot.weights")

    (tmp_path / "package.json").write_text('{"name": "not a snapshot"}')
    load.set_input_files(tmp_path / "package.json")
    expect(alert).to_contain_text(
        "Could not load the snapshot package.json: it is not a playground snapshot"
    )

    # nothing changed: the same session, at the same step, still training
    assert session_id(page) == sid
    assert step_count(page) == 10
    page.click("#step-1")
    wait_for_step(page, 11)
    wait_for_draws(page, "live", 2)


def test_a_file_over_the_servers_snapshot_limit_is_refused_before_it_is_sent(
    page: Page, server_url: str, tmp_path: Path
):
    open_page(page, server_url, dataset="xor")
    sid = session_id(page)
    limit = Settings().max_snapshot_size  # the server's (started with the same environment)
    huge = tmp_path / "huge.json"
    huge.write_text(" " * (limit + 1))
    posts: list[str] = []

    def on_request(request: Request) -> None:
        if request.method == "POST":
            posts.append(request.url)

    page.on("request", on_request)
    page.get_by_label("Load snapshot").set_input_files(huge)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Could not load the snapshot huge.json: it is ")
    expect(alert).to_contain_text("over the server's limit of")
    expect(alert).to_contain_text("(its PLAYGROUND_MAX_SNAPSHOT_SIZE setting)")
    assert posts == []  # no request: the page knew the server's limit
    assert session_id(page) == sid
