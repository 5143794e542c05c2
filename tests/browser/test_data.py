"""One's own data and the 2-D sets' inputs on the page: "Your data…" uploads a CSV file and
trains on it (its feature names on the heatmap); a bad file is refused in words; the features
and the noise of a 2-D set are chosen with checkboxes and a slider, and the URL carries them; a
regression set's curves show the network error alone and its samples are coloured by target."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PageLog
from tests.browser.helpers import (
    open_page,
    session_id,
    show_regions,
    shown,
    wait_for_draws,
    wait_for_plotly,
    wait_for_step,
)
from tests.browser.test_page import samples_shown

pytestmark = pytest.mark.browser

FLOWERS = "petal_w,sepal_h,kind\n" + "".join(
    f"{i % 7},{(i * 5) % 11},{'rose' if i % 3 else 'tulip'}\n" for i in range(24)
)


def _query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_an_uploaded_csv_trains_with_its_feature_names_on_the_heatmap(
    page: Page, server_url: str, api: httpx.Client, tmp_path: Path
):
    open_page(page, server_url)
    (tmp_path / "flowers.csv").write_text(FLOWERS)
    page.get_by_label("Your data").set_input_files(tmp_path / "flowers.csv")
    layers = page.locator("#layers")
    expect(layers).to_contain_text("petal_w")
    expect(layers).to_contain_text("sepal_h")
    expect(page.locator("#dataset")).to_have_value(
        api.post("/api/datasets", content=FLOWERS, headers={"content-type": "text/csv"}).json()[
            "name"
        ]
    )
    name = page.locator("#dataset").input_value()
    assert name.startswith("csv-")
    assert _query(page)["dataset"] == [name]
    expect(page.locator("#note")).to_contain_text("flowers.csv: your data: 2 features")
    state = api.get(f"/api/sessions/{session_id(page)}").json()
    assert state["config"]["dataset"] == name
    page.click("#step-10")
    wait_for_step(page, 10)
    assert [len(row) for row in shown(page)[0]["weights"]] == [3]  # 2 features and the bias

    # a link to the uploaded set opens it again, while the server holds it
    page.goto(page.url)
    wait_for_draws(page, "live", 1)
    expect(page.locator("#dataset")).to_have_value(name)
    expect(page.locator("#layers")).to_contain_text("petal_w")


def test_a_bad_csv_is_refused_in_words(
    page: Page, page_log: PageLog, server_url: str, tmp_path: Path
):
    page_log.expect_http_errors = True  # the server's 422
    open_page(page, server_url, dataset="xor")
    (tmp_path / "broken.csv").write_text("a,b,k\n1,2,x\n3,four,y\n5,6,x\n7,8,y\n")
    page.get_by_label("Your data").set_input_files(tmp_path / "broken.csv")
    expect(page.get_by_role("alert")).to_contain_text(
        "Your data (broken.csv) cannot be used: row 3, column 2 ('b'): 'four' is not a number"
    )
    expect(page.locator("#dataset")).to_have_value("xor")  # the run goes on as it was
    page.click("#step-1")
    wait_for_step(page, 1)


def test_features_and_noise_of_a_2d_set_change_the_run_and_the_url(
    page: Page, server_url: str, api: httpx.Client
):
    open_page(page, server_url, dataset="iris")
    expect(page.locator("#inputs")).to_be_hidden()  # iris is not a 2-D set
    page.select_option("#dataset", "xor")
    expect(page.locator("#inputs")).to_be_visible()
    page.get_by_label("x1*x2").check()
    expect(page.locator("#layers")).to_contain_text("x1*x2")
    assert _query(page)["features"] == ["x1,x2,x1*x2"]
    state = api.get(f"/api/sessions/{session_id(page)}").json()
    assert state["config"]["features"] == ["x1", "x2", "x1*x2"]
    assert [len(row) for row in state["layers"][0]["weights"]] == [4]
    page.locator("#noise").fill("0.2")
    expect(page.locator("#noise-value")).to_have_text("0.2")
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('noise') === '0.2'", timeout=15_000
    )
    assert api.get(f"/api/sessions/{session_id(page)}").json()["config"]["noise"] == 0.2

    # the link reproduces it; the regions plot the plane with the samples where the noise put them
    page.goto(page.url)
    show_regions(page)
    wait_for_draws(page, "regions", 1)
    expect(page.get_by_label("x1*x2")).to_be_checked()
    samples = api.get(
        "/api/datasets/xor/samples", params={"features": ["x1", "x2", "x1*x2"], "noise": 0.2}
    ).json()
    shown_points = samples_shown(page, 4)
    assert sorted(p["x"] for p in shown_points) == sorted(samples["train"]["plane"])


def test_a_regression_set_shows_errors_only_and_samples_by_target(page: Page, server_url: str):
    open_page(page, server_url, dataset="plane")
    wait_for_plotly(page)
    page.click("#step-100")
    wait_for_step(page, 100)
    expect(page.locator("#curves")).not_to_contain_text("classification")
    expect(page.locator("#regions-legend")).to_contain_text("target 0")
    points = samples_shown(page, 200)
    assert len({p["colour"] for p in points}) > 20  # a scale of targets, not two classes
    assert all(p["text"].split(": ")[1].startswith("target ") for p in points)
    page.select_option("#dataset", "xor")  # classes again: the classification error is back
    expect(page.locator("#curves")).to_contain_text("classification")
