// The agent preview page: plain JS, no build step (forms.js, loaded first, holds the action forms).
// Every request goes to this local gateway's /__preview/send, which signs it with the local key
// exactly as Gladly would and sends it to the API. Store data is put in the page with textContent
// only, never as HTML.
"use strict";

const state = { settings: null, customer: null, searchProfile: null, form: null };

const $ = (id) => document.getElementById(id);

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === "") continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// Only http(s) links from store data become clickable.
function link(href, text, className) {
  if (typeof href !== "string" || !/^https?:\/\//i.test(href)) return el("span", { class: className, text });
  return el("a", { href, class: className, target: "_blank", rel: "noopener noreferrer", text });
}

// The relay signs only for this page: it wants the run's secret, which the gateway wrote into the page.
const PREVIEW_SECRET = document.querySelector('meta[name="preview-secret"]').content;

async function send(method, url, body) {
  const answer = await fetch("/__preview/send", {
    method: "POST",
    headers: { "content-type": "application/json", "x-preview-secret": PREVIEW_SECRET },
    body: JSON.stringify({ method, url, body: body === undefined ? null : body }),
  });
  const document_ = await answer.json();
  if (!answer.ok) throw new Error(document_.error || `the preview proxy answered ${answer.status}`);
  return document_; // {status, body}: the API's own answer
}

// Every error of an answer, each as the agent reads it (its message, else its detail or code).
function errorMessages(body) {
  const errors = body && Array.isArray(body.errors) ? body.errors : [];
  if (errors.length) return errors.map((item) => item.message || item.detail || item.code);
  return [typeof body === "string" ? body : JSON.stringify(body)];
}

function errorText(body) {
  return errorMessages(body).join(" ");
}

function lookup(lookupLevel, query) {
  return send("POST", `${state.settings.stageUrl}/lookup`, {
    lookupLevel,
    query,
    uniqueMatchRequired: lookupLevel === "DETAILED",
  });
}

// --- search -----------------------------------------------------------------------------------------

function renderSearchForm() {
  const fields = $("search-fields");
  fields.replaceChildren();
  for (const { attribute, label } of state.settings.searchQueryAttributes) {
    fields.append(
      el("label", { class: "search-field" }, label,
        el("input", { id: `search-${attribute}`, name: attribute, type: "text", "data-attribute": attribute })),
    );
  }
  const head = $("results-head");
  head.replaceChildren(...state.settings.searchResultsAttributes.map(
    ({ attribute, label }) => el("th", { scope: "col", "data-attribute": attribute, text: label }),
  ), el("th", { scope: "col", class: "open-column" }));
}

function columnValue(result, attribute) {
  if (attribute === "externalCustomerId") return result.externalCustomerId || "";
  const value = result[attribute];
  return typeof value === "string" ? value : ""; // an attribute we do not fill is an empty column
}

async function search(event) {
  if (event) event.preventDefault();
  const query = { id: "agent-preview" };
  for (const input of document.querySelectorAll("#search-fields input")) {
    if (input.value.trim()) query[input.name] = input.value.trim();
  }
  const status = $("search-status");
  const body = $("results-body");
  body.replaceChildren();
  $("try-shoppers").hidden = true; // the suggestions are for the empty page
  if (Object.keys(query).length === 1) {
    status.textContent = "Fill in at least one search field.";
    return;
  }
  status.textContent = "Searching…";
  try {
    const answer = await lookup("BASIC", query);
    if (answer.status !== 200) {
      status.textContent = `The lookup answered ${answer.status}: ${errorText(answer.body)}`;
      return;
    }
    const results = answer.body.results || [];
    status.textContent = results.length === 1 ? "1 result" : `${results.length} results`;
    for (const result of results) {
      const open = () => openProfile(result.externalCustomerId, result);
      body.append(el("tr", { class: "result", "data-customer": result.externalCustomerId },
        state.settings.searchResultsAttributes.map(
          ({ attribute }) => el("td", { "data-attribute": attribute, text: columnValue(result, attribute) }),
        ),
        el("td", {}, el("button", { type: "button", class: "open-profile", onclick: open, text: "Open profile" })),
      ));
    }
  } catch (error) {
    status.textContent = `Search failed: ${error.message}`;
  }
}

// --- profile ----------------------------------------------------------------------------------------

async function openProfile(customerId, fromSearch) {
  state.customer = customerId;
  if (fromSearch) state.searchProfile = fromSearch;
  history.replaceState(null, "", `/?customer=${encodeURIComponent(customerId)}`);
  $("profile-panel").hidden = false;
  $("activity").replaceChildren();
  await refreshProfile();
}

async function refreshProfile() {
  const profile = $("profile");
  const query = { externalCustomerId: state.customer, id: "agent-preview" };
  const known = state.searchProfile;
  if (known && known.externalCustomerId === state.customer) {
    if (known.name) query.name = known.name;
    query.emails = (known.emails || []).map((item) => item.original);
    query.phones = (known.phones || []).map((item) => item.original);
  }
  profile.setAttribute("aria-busy", "true");
  try {
    const answer = await lookup("DETAILED", query);
    if (answer.status !== 200) {
      profile.replaceChildren(el("p", { class: "error", text: `The lookup answered ${answer.status}: ${errorText(answer.body)}` }));
      return;
    }
    const result = (answer.body.results || [])[0];
    if (!result) {
      profile.replaceChildren(el("p", { class: "error", text: `No customer ${state.customer} (the lookup answered no result).` }));
      $("orders").replaceChildren();
      $("auto-link").replaceChildren();
      return;
    }
    renderProfile(result);
    renderOrders(result.transactions || []);
    profile.dataset.refreshedAt = new Date().toISOString();
    await renderAutoLink(result);
  } catch (error) {
    profile.replaceChildren(el("p", { class: "error", text: `Lookup failed: ${error.message}` }));
  } finally {
    profile.removeAttribute("aria-busy");
  }
}

function actionButtons(actions, className) {
  return el("div", { class: className },
    (actions || []).map((action) => el("button", {
      type: "button", class: "action", "data-form-url": action.formUrl, onclick: () => openForm(action), text: action.name,
    })));
}

function renderProfile(result) {
  const attributes = Object.entries(result.customAttributes || {});
  $("profile").replaceChildren(
    el("div", { class: "profile-head" },
      el("div", { class: "avatar", text: initials(result.name) }),
      el("div", {},
        el("h2", { id: "profile-name", text: result.name || "(no name)" }),
        el("p", { class: "muted", text: `External customer id ${result.externalCustomerId}` }))),
    actionButtons(result.actions, "profile-actions"),
    el("ul", { class: "contacts" },
      (result.emails || []).map((item) => el("li", { class: "contact email" }, el("span", { class: "kind", text: "Email" }), item.original)),
      (result.phones || []).map((item) => el("li", { class: "contact phone" }, el("span", { class: "kind", text: item.type || "Phone" }), item.original)),
      result.address ? el("li", { class: "contact address" }, el("span", { class: "kind", text: "Address" }), result.address) : null),
    attributes.length ? el("dl", { id: "custom-attributes", class: "custom-attributes" },
      attributes.map(([name, value]) => el("div", { "data-attribute": name },
        el("dt", { text: name }),
        el("dd", {}, /^https?:\/\//i.test(value) ? link(value, value) : value)))) : null,
  );
}

// A value that may wrap only after an email's "@" (never inside a word: the table scrolls instead).
function breakable(text) {
  const value = String(text || "");
  const at = value.indexOf("@");
  return at < 0 ? [value] : [value.slice(0, at + 1), el("wbr"), value.slice(at + 1)];
}

function initials(name) {
  return (name || "?").split(/\s+/).filter(Boolean).slice(0, 2).map((part) => part[0].toUpperCase()).join("");
}

function address(value) {
  if (!value) return null;
  const lines = [value.name, value.street1, value.street2,
    [value.city, value.state, value.zip].filter(Boolean).join(", "), value.country, value.phone];
  return el("address", {}, lines.filter(Boolean).map((line) => el("div", { text: line })));
}

function renderOrders(transactions) {
  $("orders").replaceChildren(
    el("h3", { text: transactions.length ? `Orders (${transactions.length})` : "No orders" }),
    ...transactions.map(renderOrder),
  );
}

function renderOrder(order) {
  const created = order.createdAt ? new Date(order.createdAt).toLocaleDateString("en-US", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" }) : "";
  return el("article", { class: "order", "data-order": order.orderNumber },
    el("header", { class: "order-head" },
      el("h4", { text: `Order #${order.orderNumber}` }),
      el("span", { class: "order-status", text: order.orderStatus || "" }),
      el("span", { class: "order-total", text: order.orderTotal || "" }),
      el("span", { class: "muted", text: [created, order.itemCount !== undefined ? `${order.itemCount} item${order.itemCount === 1 ? "" : "s"}` : ""].filter(Boolean).join(" · ") })),
    el("div", { class: "order-links" },
      order.orderLink ? link(order.orderLink, "Open in BigCommerce", "order-link") : null,
      order.customerOrderUrl ? link(order.customerOrderUrl, "Shopper's order page", "customer-order-link") : null),
    order.note ? el("p", { class: "note", text: order.note }) : null,
    el("ul", { class: "products" }, (order.products || []).map(renderProduct)),
    el("div", { class: "fulfillments" }, (order.fulfillments || []).map((item) => renderFulfillment(item, order.products || []))),
    order.billingAddress ? el("details", { class: "billing" }, el("summary", { text: "Billing address" }), address(order.billingAddress)) : null,
    actionButtons(order.actions, "order-actions"),
  );
}

// A tile shows the product's initials at once; its image, when it loads, covers them (offline, or while
// the image CDN is slow, the initials stay), and one that fails is removed.
function renderProduct(product) {
  const image = product.imageUrl && /^https?:\/\//i.test(product.imageUrl)
    ? el("img", { src: product.imageUrl, alt: "", loading: "lazy" })
    : null;
  const tile = el("div", { class: "thumb" }, el("span", { class: "thumb-initials", text: initials(product.name) }), image);
  if (image) image.addEventListener("error", () => image.remove(), { once: true });
  return el("li", { class: "product", "data-product": product.id },
    tile,
    el("div", { class: "product-main" },
      el("div", { class: "product-name", text: product.name || "" }),
      el("div", { class: "muted", text: [product.sku && `SKU ${product.sku}`, product.status].filter(Boolean).join(" · ") })),
    el("div", { class: "product-qty", text: product.quantity !== undefined ? `× ${product.quantity}` : "" }),
    el("div", { class: "product-price", text: product.unitPrice || "" }));
}

function renderFulfillment(fulfillment, products) {
  const names = (fulfillment.productIds || []).map((id) => (products.find((item) => item.id === id) || {}).name).filter(Boolean);
  const tracking = fulfillment.trackingNumber
    ? link(fulfillment.trackingUrl, fulfillment.trackingNumber, "tracking")
    : null;
  return el("section", { class: "fulfillment" },
    el("div", { class: "fulfillment-head" },
      el("strong", { text: fulfillment.status || "Fulfillment" }),
      [fulfillment.carrier, fulfillment.shippingSpeed].filter(Boolean).join(" · "),
      tracking ? el("span", {}, "Tracking ", tracking) : null,
      fulfillment.estimatedDeliveryDate ? el("span", { class: "muted", text: `Estimated ${fulfillment.estimatedDeliveryDate}` }) : null),
    names.length ? el("div", { class: "muted", text: names.join(", ") }) : null,
    fulfillment.shippingAddress ? el("details", {}, el("summary", { text: "Shipping address" }), address(fulfillment.shippingAddress)) : null);
}

// --- auto-link --------------------------------------------------------------------------------------

const DECISIONS = {
  linked: "Gladly would auto-link this profile",
  ambiguous: "Gladly would NOT auto-link: several shoppers match",
  no_match: "Gladly would NOT auto-link: nothing matches",
};

async function renderAutoLink(result) {
  const section = $("auto-link");
  section.hidden = false;
  const query = { id: "agent-preview" };
  if (result.name) query.name = result.name;
  const emails = (result.emails || []).map((item) => item.original);
  const phones = (result.phones || []).map((item) => item.original);
  if (emails.length) query.emails = emails;
  if (phones.length) query.phones = phones;
  section.replaceChildren(el("h3", { text: "Auto-link decision" }), el("p", { class: "muted", text: "Asking /auto-link…" }));
  const answer = await send("POST", `${state.settings.stageUrl}/auto-link`, {
    lookupLevel: "BASIC", query, uniqueMatchRequired: false,
  });
  if (answer.status !== 200) {
    section.replaceChildren(el("h3", { text: "Auto-link decision" }),
      el("p", { class: "error", text: `/auto-link answered ${answer.status}: ${errorText(answer.body)}` }));
    return;
  }
  const decision = answer.body;
  section.replaceChildren(
    el("h3", { text: "Auto-link decision" }),
    el("p", { id: "auto-link-kind", class: `decision decision-${decision.kind}`, "data-kind": decision.kind,
      text: `${DECISIONS[decision.kind] || decision.kind}${decision.customerRef ? ` (customer ${decision.customerRef})` : ""}` }),
    el("p", { class: "muted", text: `For this profile's ${[...emails, ...phones].join(", ") || "values"}; enabled Auto-Linking Fields: ${(decision.enabledFields || []).join(", ") || "none"}.` }),
    el("ul", { class: "reasons" }, (decision.reasons || []).map((reason) =>
      el("li", { "data-code": reason.code }, el("code", { text: reason.code }), " ", reason.detail))),
    (decision.evidence || []).length ? el("table", { class: "evidence" },
      el("thead", {}, el("tr", {}, ["Profile field", "Profile value", "Customer", "Customer field", "Stored value"].map((text) => el("th", { text })))),
      el("tbody", {}, decision.evidence.map((item) => el("tr", {},
        [item.profileField, item.profileValue, item.customerRef, item.customerField, item.customerValue].map((text) => el("td", {}, breakable(text))))))) : null,
  );
}

// --- start ------------------------------------------------------------------------------------------

// The empty page suggests the sandbox's shoppers (only when the store is make run's sandbox), as deep links.
function renderShoppersToTry(shoppers) {
  if (!shoppers.length) return;
  $("try-shoppers").replaceChildren(
    el("p", { class: "muted", text: "Shoppers of the sandbox to try:" }),
    el("ul", {}, shoppers.map(({ attribute, value, description }) => el("li", { "data-attribute": attribute },
      el("a", { href: `/?${attribute}=${encodeURIComponent(value)}`, text: value }), ` – ${description}`))),
  );
  $("try-shoppers").hidden = false;
}

async function start() {
  const answer = await fetch("/__preview/settings");
  state.settings = await answer.json();
  $("deployment").textContent = `Deployment "${state.settings.deploymentName}", API ${state.settings.stageUrl}.`;
  const actions = state.settings.actionsEnabled || [];
  if (state.settings.realStore && actions.length) {
    $("real-store").textContent =
      `This preview acts on the REAL store ${state.settings.realStore}: its ${actions.join(", ")} ` +
      "action forms refund and cancel real orders, create real discount codes, add staff notes to real " +
      "orders, give real store credit and change real shipping addresses, for real.";
    $("real-store").hidden = false;
  }
  renderSearchForm();
  $("search-form").addEventListener("submit", search);
  $("action-form").addEventListener("submit", submitForm);
  $("form-close").addEventListener("click", closeForm);
  // Deep links: /?email=..., /?phone=..., /?customer=<externalCustomerId>
  const params = new URLSearchParams(location.search);
  if (params.get("customer")) {
    await openProfile(params.get("customer"));
    return;
  }
  let filled = false;
  for (const input of document.querySelectorAll("#search-fields input")) {
    if (params.get(input.name)) {
      input.value = params.get(input.name);
      filled = true;
    }
  }
  if (!filled && ![...params.keys()].length) renderShoppersToTry(state.settings.shoppersToTry || []);
  const unsearchable = ["email", "phone", "orderNumber"].filter((name) => params.get(name) && !$(`search-${name}`));
  if (unsearchable.length) {
    $("search-status").textContent = `${unsearchable.join(" and ")} is not a Search Query Attribute of this deployment.`;
  }
  if (filled) await search();
}

start().catch((error) => {
  $("search-status").textContent = `The preview could not start: ${error.message}`;
});
