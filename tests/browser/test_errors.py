"""What goes wrong is said in the page, in plain words: bad values, a diverged net, a lost
session, a closed live connection. None is swallowed, and the page keeps working after it."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import PageLog
from tests.browser.helpers import (
    open_page,
    session_id,
    shown,
    step_count,
    wait_for_step,
    wait_for_step_above,
)

pytestmark = pytest.mark.browser


def test_bad_values_are_explained_and_marked(page: Page, page_log: PageLog, server_url: str):
    page_log.expect_http_errors = True  # the server's 422s
    open_page(page, server_url, dataset="iris")
    alert = page.get_by_role("alert")

    page.fill("#learning_rate", "-1")
    page.locator("#learning_rate").press("Enter")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Could not change the learning rate")
    expect(alert).to_contain_text("learning_rate")  # the server names the field...
    expect(alert).to_contain_text("-1")  # ...and the bad value
    expect(page.locator("#learning_rate")).to_have_attribute("aria-invalid", "true")

    page.fill("#hidden", "8, 100")
    page.locator("#hidden").press("Enter")
    expect(alert).to_contain_text("hidden")
    expect(alert).to_contain_text("100")
    expect(page.locator("#hidden")).to_have_attribute("aria-invalid", "true")

    page.fill("#hidden", "8, x")  # not even a list of numbers: the page says so itself
    page.locator("#hidden").press("Enter")
    expect(alert).to_contain_text('"8, x" is not a list of whole numbers')

    # the bad learning rate is still in the form: a new run is refused for it too, in words
    page.fill("#hidden", "4")
    page.locator("#hidden").press("Enter")
    expect(alert).to_contain_text("learning_rate=-1")
    page.fill("#learning_rate", "0.2")  # fixed: the run with both starts, the messages go
    page.locator("#learning_rate").press("Enter")
    expect(alert).to_be_hidden()
    expect(page.locator("#hidden")).not_to_have_attribute("aria-invalid", "true")
    page.click("#step-1")
    wait_for_step(page, 1)
    assert len(shown(page)) == 2  # a hidden layer now


def test_bad_values_in_the_link_fall_back_to_defaults(
    page: Page, page_log: PageLog, server_url: str
):
    page_log.expect_http_errors = True
    open_page(page, server_url, dataset="nope", seed="abc")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text('seed "abc" is not a number, so 0 is used')
    expect(alert).to_contain_text("defaults are used")
    expect(alert).to_contain_text("nope")
    expect(page.locator("#dataset")).to_have_value("iris")
    page.click("#step-1")
    wait_for_step(page, 1)


def test_a_diverged_net_is_reported(page: Page, page_log: PageLog, server_url: str):
    page_log.expect_http_errors = True  # stepping a diverged net: 409
    open_page(page, server_url, dataset="iris", activation="linear", learning_rate=1e6)
    page.click("#step-1000")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("diverged")
    expect(alert).to_contain_text("reset")
    page.click("#play")  # the live stream refuses too, in words
    expect(alert).to_contain_text("diverged")
    expect(page.locator("#play")).to_have_attribute("aria-pressed", "false")
    page.click("#reset")
    wait_for_step(page, 0)
    expect(alert).to_be_hidden()


def test_a_lost_session_is_reported_and_reset_recovers(
    page: Page, page_log: PageLog, server_url: str, api: httpx.Client
):
    page_log.expect_http_errors = True  # the 404s of the deleted session
    open_page(page, server_url, dataset="xor", hidden=[2], speed=500)
    old = session_id(page)
    page.click("#play")
    wait_for_step_above(page, 20)
    assert api.delete(f"/api/sessions/{old}").status_code == 204  # as an eviction would

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The live connection was closed: session not found")
    expect(alert).to_contain_text("Press Reset")
    expect(page.locator("#play")).to_have_attribute("aria-pressed", "false")
    page.click("#step-1")
    expect(alert).to_contain_text("not found")

    page.click("#reset")  # a new session, same settings
    wait_for_step(page, 0)
    expect(alert).to_be_hidden()
    assert session_id(page) != old
    page.click("#step-10")
    wait_for_step(page, 10)
    assert api.get(f"/api/sessions/{session_id(page)}").json()["config"]["hidden"] == [2]
    assert step_count(page) == 10


def test_a_server_that_cannot_be_reached_at_start_is_said_as_such(
    page: Page, page_log: PageLog, server_url: str
):
    """Only settings the server refuses (422) fall back to the defaults; a failed connection is
    not a refusal, and asking again with the defaults would fail the same way."""
    posts: list[str | None] = []

    def unreachable(route: Route) -> None:
        posts.append(route.request.post_data)
        route.abort("connectionrefused")

    page.route("**/api/sessions", unreachable)
    page.goto(f"{server_url}/?dataset=xor")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(
        "Could not start a training session: the server cannot be reached"
    )
    expect(alert).not_to_contain_text("refused")
    assert len(posts) == 1
