"""The agent preview page (`devtools/preview/`, `http://127.0.0.1:<port>/` of `make run`) in a real browser.

Chromium from the system's packages (`/usr/bin/chromium`; `.ci/run` installs it), driven by Playwright
for Python pointed at that executable: `playwright install` is never run (tests/browser/support.py and
conftest.py). A missing Chromium fails these tests with a message saying how to install it; they are
never skipped.

The page talks to the session `gateway` (make run's local configuration, every action on) over real
HTTP: each search, profile, form and submit is a signed request the gateway's preview route signs with
the deployment's key and sends to the API's own routes, which call the sandbox store (reset for each
test by `bc_sandbox`). The browser may reach nothing but the gateway: every other request (the
products' image CDN) is aborted, and the page shows its placeholder tile instead.

`UPDATE_SCREENSHOTS=1` makes the profile test write the README's screenshot, docs/preview-profile.png.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Locator, Page, Route, expect

from devtools.gateway import LocalGateway
from devtools.preview import SECRET_HEADER
from devtools.replay import GladlyClient
from devtools.sandbox import SandboxServer, seed
from tests.browser.support import new_page, site_url
from tests.fixtures.gateway import configured_gateway
from tests.integration.actions_support import open_form, refunds_of, submit

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "preview-profile.png"
MARTHA = str(seed.MARTHA_CUSTOMER_ID)
ORDER = seed.REFUNDABLE_ORDER_ID  # $331.92: 1 x $244.13, 2 x Oak Cheese Grater at $37.92, shipping $9.95

# One browser per worker: every test of this module runs on the same xdist worker.
pytestmark = [pytest.mark.xdist_group("browser"), pytest.mark.usefixtures("bc_sandbox")]


def result_row(page: Page, customer: str) -> Locator:
    return page.locator(f"#results-body tr.result[data-customer='{customer}']")


def order_card(page: Page, order_id: int) -> Locator:
    return page.locator(f"#orders .order[data-order='{order_id}']")


def open_refund_form(page: Page) -> None:
    order_card(page, ORDER).get_by_role("button", name="Refund").click()
    expect(page.locator("#form-backdrop")).to_be_visible()
    expect(page.locator("#form-title")).to_have_text(f"Refund order {ORDER}")


# --- search -----------------------------------------------------------------------------------------


def test_the_page_says_it_is_a_development_tool_and_shows_the_configured_columns(
    page: Page, site: str
) -> None:
    # Given make run's local deployment against the sandbox (Search Query Attributes
    # email:Email,phone:Phone,orderNumber:Order number; Search Results Attributes
    # name:Name,email:Email,orderNumber:Order,orderStatus:Status) When the page opens
    page.goto(site)
    # Then it says it is a development preview, never deployed
    expect(page.locator("#dev-banner")).to_contain_text("Development preview, never deployed")
    # And the search has one field per Search Query Attribute, with its label
    expect(page.get_by_label("Email", exact=True)).to_be_visible()
    expect(page.get_by_label("Phone", exact=True)).to_be_visible()
    expect(page.get_by_label("Order number", exact=True)).to_be_visible()
    # And the results table one column per Search Results Attribute, with its label
    expect(page.locator("#results-head th[data-attribute]")).to_have_text(
        ["Name", "Email", "Order", "Status"]
    )


def test_searching_by_order_number_shows_its_shopper_and_the_order_that_matched(
    page: Page, site: str
) -> None:
    # Given the page When the agent searches for order #100
    page.goto(site)
    page.get_by_label("Order number", exact=True).fill(f"#{ORDER}")
    page.get_by_role("button", name="Search").click()
    # Then Martha is the one row, with the order that matched and its status
    row = result_row(page, MARTHA)
    expect(row.locator("td[data-attribute='name']")).to_have_text("Martha Williams")
    expect(row.locator("td[data-attribute='orderNumber']")).to_have_text(str(ORDER))
    expect(row.locator("td[data-attribute='orderStatus']")).to_have_text("Completed")
    expect(page.locator("#results-body tr.result")).to_have_count(1)


def test_searching_by_email_shows_martha_in_the_results_table(page: Page, site: str) -> None:
    # Given the page When the agent searches by Martha's email
    page.goto(site)
    page.get_by_label("Email", exact=True).fill(seed.MARTHA_EMAIL)
    page.get_by_role("button", name="Search").click()
    # Then Martha is the one row, her name and email in the configured columns
    row = result_row(page, MARTHA)
    expect(row.locator("td[data-attribute='name']")).to_have_text("Martha Williams")
    expect(row.locator("td[data-attribute='email']")).to_have_text(seed.MARTHA_EMAIL)
    expect(page.locator("#results-body tr.result")).to_have_count(1)


def test_searching_by_phone_in_another_spelling_finds_martha(page: Page, site: str) -> None:
    # Given Martha's phone stored as "(415) 555-0100" When the agent searches "+1 415 555 0100"
    assert seed.MARTHA_PHONE == "(415) 555-0100"
    page.goto(site)
    page.get_by_label("Phone", exact=True).fill("+1 415 555 0100")
    page.get_by_role("button", name="Search").click()
    # Then Martha is found
    expect(result_row(page, MARTHA).locator("td[data-attribute='name']")).to_have_text("Martha Williams")
    # And opening her row shows her profile card
    result_row(page, MARTHA).get_by_role("button", name="Open profile").click()
    expect(page.locator("#profile-name")).to_have_text("Martha Williams")
    assert page.url.endswith(f"/?customer={MARTHA}")


def test_an_email_deep_link_shows_martha_in_the_results_table(page: Page, site: str) -> None:
    # When the page is opened at /?email=<Martha's email>
    page.goto(f"{site}?email={seed.MARTHA_EMAIL}")
    # Then the search ran and Martha is in the results table
    expect(page.get_by_label("Email", exact=True)).to_have_value(seed.MARTHA_EMAIL)
    expect(result_row(page, MARTHA).locator("td[data-attribute='name']")).to_have_text("Martha Williams")


# --- the profile card -------------------------------------------------------------------------------


def test_a_customer_deep_link_shows_her_profile_orders_tracking_and_auto_link_decision(
    page: Page, site: str, tmp_path: Path
) -> None:
    # When the page is opened at /?customer=<Martha's id>
    page.goto(f"{site}?customer={MARTHA}")
    # Then her profile card shows her name, contact values and custom attributes
    expect(page.locator("#profile-name")).to_have_text("Martha Williams")
    expect(page.locator(".contact.email")).to_contain_text(seed.MARTHA_EMAIL)
    expect(page.locator(".contact.phone")).to_have_text("MOBILE+14155550100")
    expect(page.locator("#custom-attributes [data-attribute='orderCount'] dd")).to_have_text("10")
    expect(page.locator("#profile .profile-actions button")).to_have_text(["Discount code", "Store credit"])
    # And her ten orders, newest first, each with status and total
    expect(page.locator("#orders .order")).to_have_count(len(seed.MARTHA_ORDER_IDS))
    expect(page.locator("#orders .order").first).to_have_attribute("data-order", str(seed.PENDING_ORDER_ID))
    refundable = order_card(page, ORDER)
    expect(refundable.locator(".order-status")).to_have_text("Completed")
    expect(refundable.locator(".order-total")).to_have_text("$331.92")
    expect(refundable.locator(".product-name")).to_have_text(["Able Brewing System", "Oak Cheese Grater"])
    # And a shipped order's fulfillment links its tracking number to the carrier's page
    tracking = order_card(page, seed.SHIPPED_ORDER_ID).locator("a.tracking").first
    expect(tracking).to_have_attribute("href", re.compile(r"^https://"))
    expect(tracking).to_have_text(re.compile(r"\S+"))
    # And the order's links and actions are there
    expect(refundable.locator("a.order-link")).to_have_attribute(
        "href", re.compile(rf"/manage/orders/{ORDER}$")
    )
    expect(refundable.locator(".order-actions button")).to_have_text(["Refund", "Add staff note"])
    # And the auto-link decision for her email and phone: linked, with its reason and evidence
    expect(page.locator("#auto-link-kind")).to_have_attribute("data-kind", "linked")
    expect(page.locator("#auto-link .reasons li[data-code='unique_match']")).to_be_visible()
    expect(page.locator("#auto-link .evidence tbody tr")).to_have_count(2)
    expect(page.locator("#auto-link .evidence")).to_contain_text(seed.MARTHA_PHONE)

    # The README's screenshot of the profile card (written to docs/ with UPDATE_SCREENSHOTS=1)
    page.set_viewport_size({"width": 1280, "height": 1400})  # down to the first tracking link
    target = SCREENSHOT if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path / SCREENSHOT.name
    page.screenshot(path=str(target))
    assert target.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


# --- actions ----------------------------------------------------------------------------------------


def test_refunding_one_item_shows_the_answer_and_the_refreshed_order(
    page: Page, site: str, bc_sandbox: SandboxServer
) -> None:
    # Given Martha's profile with her paid, unrefunded order
    page.goto(f"{site}?customer={MARTHA}")
    expect(order_card(page, ORDER).locator(".order-status")).to_have_text("Completed")
    # When the agent opens its refund form, rendered from the form JSON
    open_refund_form(page)
    expect(page.locator(".field[data-attr='qty_2'] label")).to_contain_text("2 left")
    expect(page.locator(".field[data-attr='qty_2'] label .optional")).to_be_visible()
    expect(page.locator("#field-qty_2")).to_have_value("0")  # the defaultValue
    expect(page.locator("#field-payment_method")).to_have_value("braintree")
    expect(page.locator(".field[data-attr='refund'] .hint")).to_have_text(
        f"$331.92 of order {ORDER} can be refunded."
    )
    # And refunds one Oak Cheese Grater
    page.locator("#field-refund").select_option("items")
    page.locator("#field-qty_2").fill("1")
    page.locator("#field-reason").fill("One grater arrived chipped")
    page.locator("#form-submit").click()
    # Then the form closes and the answer's message is in the timeline
    expect(page.locator("#form-backdrop")).to_be_hidden()
    expect(page.locator("#activity .activity-item.success .activity-message")).to_contain_text("$37.92")
    # And its detail keeps the answer's line breaks: the reason on a line of its own
    detail = page.locator("#activity .activity-item.success .activity-detail")
    expect(detail).to_contain_text("Reason: One grater arrived chipped")
    lines = detail.inner_text().splitlines()
    assert "Reason: One grater arrived chipped" in lines and len(lines) >= 3, lines
    # And the profile was looked up again: the order shows its new status
    expect(order_card(page, ORDER).locator(".order-status")).to_have_text("Partially Refunded")
    # And BigCommerce received exactly that one refund
    (refund,) = refunds_of(bc_sandbox, ORDER)
    assert str(refund.total_amount) == "37.92"
    # And the refreshed form shows one grater left
    open_refund_form(page)
    expect(page.locator(".field[data-attr='qty_2'] label")).to_contain_text("1 left")


def test_the_staff_note_button_adds_a_note_to_the_order(
    page: Page, site: str, bc_sandbox: SandboxServer
) -> None:
    # Given Martha's profile When the agent adds a staff note to an order from its card
    page.goto(f"{site}?customer={MARTHA}")
    order_card(page, ORDER).get_by_role("button", name="Add staff note").click()
    expect(page.locator("#form-title")).to_have_text(f"Add a staff note to order {ORDER}")
    page.locator("#field-note").fill("Wants the invoice re-sent")
    page.locator("#form-submit").click()
    # Then the form closes, the answer is in the timeline and BigCommerce keeps the note
    expect(page.locator("#form-backdrop")).to_be_hidden()
    expect(page.locator("#activity .activity-item.success .activity-message")).to_have_text(
        f"Added a staff note to order {ORDER}"
    )
    with bc_sandbox.store.lock:
        assert (bc_sandbox.store.order(ORDER).staff_notes or "").endswith("] Wants the invoice re-sent")


def test_the_store_credit_button_gives_credit_and_states_the_new_balance(page: Page, site: str) -> None:
    # Given Martha's profile (store credit $25.00) When the agent gives $5.00 from the "+" menu
    page.goto(f"{site}?customer={MARTHA}")
    page.locator("#profile .profile-actions").get_by_role("button", name="Store credit").click()
    expect(page.locator("#form-title")).to_have_text("Give store credit (balance now $25.00)")
    page.locator("#field-amount").fill("5.00")
    page.locator("#field-reason").fill("Late delivery")
    page.locator("#form-submit").click()
    # Then the answer states the new balance
    expect(page.locator("#form-backdrop")).to_be_hidden()
    expect(page.locator("#activity .activity-item.success .activity-detail")).to_contain_text(
        "New balance: $30.00 (it was $25.00)."
    )


def test_a_bad_amount_is_shown_on_its_field_and_the_form_stays_open(
    page: Page, site: str, bc_sandbox: SandboxServer
) -> None:
    # Given the refund form of Martha's order
    page.goto(f"{site}?customer={MARTHA}")
    open_refund_form(page)
    # When the agent asks for a custom amount that is not a number
    page.locator("#field-refund").select_option("amount")
    page.locator("#field-amount").fill("12,5abc")
    page.locator("#field-reason").fill("Typo")
    page.locator("#form-submit").click()
    # Then the error is shown on the amount field, the form stays open, and nothing was refunded
    expect(page.locator(".field[data-attr='amount']")).to_have_class(re.compile(r"\binvalid\b"))
    expect(page.locator("#error-amount")).not_to_be_empty()
    expect(page.locator("#form-errors li")).to_have_count(0)
    expect(page.locator("#form-backdrop")).to_be_visible()
    assert refunds_of(bc_sandbox, ORDER) == []
    # And a missing reason lands on the reason field once the amount is fixed
    page.locator("#field-amount").fill("5.00")
    page.locator("#field-reason").fill("")
    page.locator("#form-submit").click()
    expect(page.locator(".field[data-attr='reason']")).to_have_class(re.compile(r"\binvalid\b"))
    expect(page.locator("#error-amount")).to_be_empty()
    assert refunds_of(bc_sandbox, ORDER) == []


def test_a_406_closes_the_form_with_its_message_and_refreshes_the_profile(
    page: Page, site: str, gladly_client: GladlyClient
) -> None:
    # Given the refund form open in the page, the order paid and unrefunded
    page.goto(f"{site}?customer={MARTHA}")
    expect(order_card(page, ORDER).locator(".order-status")).to_have_text("Completed")
    open_refund_form(page)
    # And everything left on the order refunded meanwhile (another agent, through its own form)
    other = open_form(gladly_client, "refund", ORDER)
    done = submit(
        gladly_client, other, {"refund": "everything", "payment_method": "braintree", "reason": "All"}
    )
    assert done.status_code == 200, done.text
    # When the agent submits the page's form
    page.locator("#field-refund").select_option("everything")
    page.locator("#field-reason").fill("Too late")
    page.locator("#form-submit").click()
    # Then the form is dismissed and the answer's message is in the timeline as an error
    expect(page.locator("#form-backdrop")).to_be_hidden()
    expect(page.locator("#activity .activity-item.error")).to_have_count(1)
    expect(page.locator("#activity .activity-item.error")).not_to_be_empty()
    # And the profile was looked up again: the order shows what happened to it meanwhile
    expect(order_card(page, ORDER).locator(".order-status")).to_have_text("Refunded")


def test_a_placeholder_is_never_above_its_fields_limit(page: Page, site: str) -> None:
    # Given the refund form of Martha's order: $9.95 of shipping left, $331.92 in all
    page.goto(f"{site}?customer={MARTHA}")
    open_refund_form(page)
    shipping = page.locator("#field-shipping_1")
    expect(page.locator(".field[data-attr='shipping_1'] label")).to_contain_text("up to $9.95")
    # Then the shipping field's example, the form's own, is within its limit
    expect(shipping).to_have_attribute("placeholder", "9.95")
    # And the custom amount's, within $331.92, is the usual example
    expect(page.locator("#field-amount")).to_have_attribute("placeholder", "12.50")
    # And no field of the form shows an example above the limit its label states
    for field in page.locator("#form-fields .field").all():
        label = field.locator("label").inner_text()
        placeholder = field.locator("input").first.get_attribute("placeholder") if "up to" in label else None
        if placeholder and re.fullmatch(r"[\d.]+", placeholder):
            limits = [float(found.replace(",", "")) for found in re.findall(r"up to \D*([\d,.]*\d)", label)]
            assert float(placeholder) <= min(limits), (label, placeholder)


def test_every_error_of_a_submit_is_shown_each_on_its_field(page: Page, site: str) -> None:
    # Given the refund form, with a custom amount that is no number and no reason
    page.goto(f"{site}?customer={MARTHA}")
    open_refund_form(page)
    page.locator("#field-refund").select_option("amount")
    page.locator("#field-amount").fill("12,5abc")
    page.locator("#form-submit").click()
    # Then both of the adaptor's errors are shown at once, each on its field
    expect(page.locator("#error-amount")).to_contain_text("Type an amount in USD")
    expect(page.locator("#error-reason")).to_contain_text("Give a reason")
    expect(page.locator("#form-fields .field.invalid")).to_have_count(2)


def test_several_errors_on_one_field_and_errors_of_no_field_are_all_shown(page: Page, site: str) -> None:
    # The adaptor names a field once per submit and every field it names is on the form, so this test
    # edits the submit's answer the page receives to check how the page renders any list of errors
    errors = [
        {
            "attr": "amount",
            "code": "a",
            "detail": "First about the amount.",
            "message": "First about the amount.",
        },
        {"attr": "amount", "code": "b", "detail": "Second about it.", "message": "Second about it."},
        {"attr": "reason", "code": "c", "detail": "About the reason.", "message": "About the reason."},
        {"attr": "qty_99", "code": "d", "detail": "No such line.", "message": "No such line."},
        {"attr": "", "code": "e", "detail": "The order is busy.", "message": "The order is busy."},
    ]

    def answer_the_submit(route: Route) -> None:
        if route.request.post_data_json["method"] == "POST":
            route.fulfill(json={"status": 400, "body": {"errors": errors}})
        else:
            route.continue_()

    page.goto(f"{site}?customer={MARTHA}")
    open_refund_form(page)
    page.route("**/__preview/send", answer_the_submit)
    page.locator("#field-refund").select_option("amount")
    page.locator("#form-submit").click()
    expect(page.locator("#error-amount .field-error-item")).to_have_text(
        ["First about the amount.", "Second about it."]
    )
    expect(page.locator("#error-reason")).to_have_text("About the reason.")
    expect(page.locator("#form-errors li")).to_have_text(["qty_99: No such line.", "The order is busy."])


# --- what the page shows at once ------------------------------------------------------------------


def test_the_empty_page_suggests_the_sandboxs_shoppers_and_one_opens_her_search(
    page: Page, site: str
) -> None:
    # When the page is opened without a search, against make run's sandbox
    page.goto(site)
    suggestions = page.locator("#try-shoppers")
    # Then it suggests the sandbox's shoppers: Martha by email, Priya by her Indian phone
    expect(suggestions).to_be_visible()
    expect(suggestions.get_by_role("link", name=seed.MARTHA_EMAIL)).to_be_visible()
    expect(suggestions.locator("li[data-attribute='phone'] a")).to_have_text("+918987656787")
    # And following Martha's finds her, the suggestions gone
    suggestions.get_by_role("link", name=seed.MARTHA_EMAIL).click()
    expect(result_row(page, MARTHA).locator("td[data-attribute='name']")).to_have_text("Martha Williams")
    expect(suggestions).to_be_hidden()


def test_a_product_tile_shows_its_placeholder_at_once_while_its_image_does_not_come(
    browser: Browser, site: str
) -> None:
    # Given a network where the image CDN never answers (offline, or too slow)
    page, errors = new_page(browser, site, hold_others=True)
    try:
        page.goto(f"{site}?customer={MARTHA}")
        tile = order_card(page, ORDER).locator(".product .thumb").first
        # Then the tile shows the product's initials already, its image still pending
        expect(tile).to_have_text("AB")
        expect(tile.locator(".thumb-initials")).to_be_visible()
        assert tile.locator("img").evaluate("image => !image.complete || image.naturalWidth === 0")
    finally:
        page.close()
    assert errors == []


def test_emails_in_the_evidence_table_break_only_after_their_at_sign(page: Page, site: str) -> None:
    # Given Martha's auto-link evidence, in the side column's narrow table
    page.goto(f"{site}?customer={MARTHA}")
    cells = page.locator("#auto-link .evidence td", has_text="@")
    expect(cells).to_have_count(2)
    for cell in cells.all():
        # Then an email wraps, if at all, right after its "@": never inside a word
        text, breaks = cell.evaluate(LINE_BREAKS)
        assert all(text[index - 1] == "@" for index in breaks), (text, breaks)


# Where a cell's text goes onto a new line: the indexes of the characters starting each line but the first.
LINE_BREAKS = """cell => {
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  let text = "", top = null;
  const breaks = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let index = 0; index < node.length; index++) {
      const range = document.createRange();
      range.setStart(node, index);
      range.setEnd(node, index + 1);
      const rect = range.getClientRects()[0];
      if (rect && top !== null && rect.top > top + 1) breaks.push(text.length);
      if (rect) top = rect.top;
      text += node.data[index];
    }
  }
  return [text, breaks];
}"""


# --- another deployment's settings ------------------------------------------------------------------


def test_columns_and_search_fields_follow_the_deployment_settings(
    browser: Browser, bc_sandbox_server: SandboxServer
) -> None:
    # Given a deployment searching by phone only, with a phone column and a column we do not fill
    settings = {
        "SEARCH_QUERY_ATTRIBUTES": "phone:Mobile number",
        "SEARCH_RESULTS_ATTRIBUTES": "name:Full name,phone:Phone,loyaltyTier:Loyalty tier",
    }
    with configured_gateway(bc_sandbox_server, settings) as client:
        page, errors = new_page(browser, site_url(client.base_url))
        try:
            # When the page is opened at /?phone=<Martha's phone, spelled as stored>
            page.goto(f"{site_url(client.base_url)}?phone={seed.MARTHA_PHONE}")
            # Then the search field and columns carry the configured labels
            expect(page.get_by_label("Mobile number", exact=True)).to_have_value(seed.MARTHA_PHONE)
            expect(page.locator("#search-email")).to_have_count(0)
            expect(page.locator("#results-head th[data-attribute]")).to_have_text(
                ["Full name", "Phone", "Loyalty tier"]
            )
            # And Martha's row fills name and phone, and leaves the unsupported column empty
            row = result_row(page, MARTHA)
            expect(row.locator("td")).to_have_count(4)
            expect(row.locator("td[data-attribute='name']")).to_have_text("Martha Williams")
            expect(row.locator("td[data-attribute='phone']")).to_have_text("+14155550100")
            expect(row.locator("td[data-attribute='loyaltyTier']")).to_have_text("")
            # And an email deep link says email is not searchable here
            page.goto(f"{site_url(client.base_url)}?email={seed.MARTHA_EMAIL}")
            expect(page.locator("#search-status")).to_contain_text("not a Search Query Attribute")
            # And the empty page suggests no shopper: the store is not one make run started
            page.goto(site_url(client.base_url))
            expect(page.get_by_label("Mobile number", exact=True)).to_be_visible()
            expect(page.locator("#try-shoppers")).to_be_hidden()
        finally:
            page.close()
        assert errors == []


def test_checkboxes_and_errors_naming_no_field_are_rendered_as_gladly_does(page: Page, site: str) -> None:
    # The adaptor's forms have no checkbox and the page cannot make it answer an error naming no field,
    # so this test edits the answers the page receives (the form's JSON, then the submit's answer) to
    # check the page's rendering of them; everything else about the forms is real in the tests above.
    sent: list[dict[str, object]] = []

    def add_a_checkbox(route: Route) -> None:
        order = route.request.post_data_json
        if order["method"] == "GET":
            answer = route.fetch()
            relayed = answer.json()
            relayed["body"]["sections"].insert(
                0,
                {
                    "type": "input",
                    "label": "Tell the customer",
                    "attr": "notify",
                    "hint": "Sends the shopper an email.",
                    "defaultValue": "true",
                    "input": {"type": "checkbox", "optional": True},
                },
            )
            route.fulfill(response=answer, json=relayed)
        else:
            sent.append(order["body"])
            errors = [
                {"attr": "", "code": "busy", "detail": "The order is busy.", "message": "The order is busy."},
                {"attr": "notify", "code": "invalid", "detail": "Not now.", "message": "Not now."},
            ]
            route.fulfill(json={"status": 400, "body": {"errors": errors}})

    # Given Martha's profile, and her refund form with a checkbox checked by default
    page.goto(f"{site}?customer={MARTHA}")
    expect(order_card(page, ORDER).locator(".order-status")).to_have_text("Completed")
    page.route("**/__preview/send", add_a_checkbox)
    open_refund_form(page)
    checkbox = page.get_by_label("Tell the customer (optional)")
    expect(checkbox).to_be_checked()
    # When the agent unchecks it and submits
    checkbox.uncheck()
    page.locator("#field-refund").select_option("everything")
    page.locator("#field-reason").fill("Damaged")
    page.locator("#form-submit").click()
    # Then the error naming no field is at the form's top and the other on its field
    expect(page.locator("#form-errors li")).to_have_text(["The order is busy."])
    expect(page.locator("#error-notify")).to_have_text("Not now.")
    expect(page.locator("#form-backdrop")).to_be_visible()
    # And the checkbox was sent as the string "false", with every other field of the form
    (values,) = sent
    assert values["notify"] == "false"
    assert values["refund"] == "everything"
    assert values["qty_2"] == "0"


def test_the_preview_routes_send_only_to_this_gateways_stage(gateway: LocalGateway, site: str) -> None:
    # When the preview's signing route is asked, as the page asks it (its origin and the run's secret),
    # to send somewhere else than this gateway's stage (tests/integration/test_preview_relay.py: more)
    own_page = {"Origin": site.rstrip("/"), SECRET_HEADER: gateway.preview_secret}
    elsewhere = requests.post(
        f"{site}__preview/send",
        json={"method": "GET", "url": "http://example.com/prod/lookup"},
        headers=own_page,
        timeout=10,
    )
    # Then it refuses, naming the stage it sends to
    assert elsewhere.status_code == 400
    assert gateway.url in elsewhere.json()["error"]
    # And a path outside the stage that is not the preview's is still API Gateway's 403
    assert requests.get(f"{site}lookup", timeout=10).status_code == 403
    # But the icon every browser asks a site for is answered: no icon, and no error
    favicon = requests.get(f"{site}favicon.ico", timeout=10)
    assert (favicon.status_code, favicon.content) == (204, b"")
    assert requests.get(f"{site}__preview/nothing", timeout=10).status_code == 404
    # And the settings route names the deployment's Search Attributes
    settings = requests.get(f"{site}__preview/settings", timeout=10).json()
    assert settings["stageUrl"] == gateway.url
    assert [item["attribute"] for item in settings["searchQueryAttributes"]] == [
        "email",
        "phone",
        "orderNumber",
    ]
