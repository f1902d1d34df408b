// The agent preview page's action forms (loaded before app.js, whose helpers they use when called):
// rendered from the form JSON as Gladly renders them, submitted through the real flow (GET formUrl,
// POST actionUrl exactly as given), the answer in the timeline or each error on its field.
"use strict";

// --- action forms -----------------------------------------------------------------------------------

function addActivity(kind, title, detail) {
  $("activity").prepend(el("li", { class: `activity-item ${kind}` },
    el("strong", { class: "activity-message", text: title }),
    detail ? el("div", { class: "activity-detail", text: detail }) : null));
}

async function openForm(action) {
  try {
    const answer = await send("GET", action.formUrl);
    if (answer.status !== 200) {
      addActivity("error", `${action.name}: the form could not be opened (${answer.status})`, errorText(answer.body));
      return;
    }
    showForm(answer.body);
  } catch (error) {
    addActivity("error", `${action.name}: ${error.message}`);
  }
}

function renderInput(section) {
  const input = section.input || {};
  const id = `field-${section.attr}`;
  const defaultValue = section.defaultValue === undefined ? "" : String(section.defaultValue);
  if (input.type === "select") {
    const select = el("select", { id, name: section.attr });
    if (input.placeholder || !defaultValue) {
      select.append(el("option", { value: "", disabled: !input.optional, text: input.placeholder || "" }));
    }
    for (const option of input.options || []) select.append(el("option", { value: option.value, text: option.text }));
    select.value = defaultValue;
    return select;
  }
  if (input.type === "checkbox") {
    return el("input", { id, name: section.attr, type: "checkbox", checked: ["true", "on", "yes", "1"].includes(defaultValue.toLowerCase()) });
  }
  // The form's own placeholder, as Gladly shows it (the adaptor keeps it within the field's limit).
  return el("input", { id, name: section.attr, type: "text", value: defaultValue, placeholder: input.placeholder || null });
}

function showForm(form) {
  state.form = form;
  $("form-title").textContent = form.title || "";
  $("form-submit").textContent = form.submitButton || "Submit";
  $("form-close").textContent = form.closeButton || "Close";
  $("form-errors").replaceChildren();
  // Gladly shows only input sections.
  const sections = (form.sections || []).filter((section) => section.type === "input");
  $("form-fields").replaceChildren(...sections.map((section) => {
    const optional = section.input && section.input.optional;
    return el("div", { class: "field", "data-attr": section.attr },
      el("label", { for: `field-${section.attr}` }, section.label || section.attr, optional ? el("span", { class: "optional", text: " (optional)" }) : null),
      renderInput(section),
      section.hint ? el("div", { class: "hint", text: section.hint }) : null,
      el("div", { class: "field-error", id: `error-${section.attr}`, role: "alert" }));
  }));
  $("form-backdrop").hidden = false;
}

function closeForm() {
  state.form = null;
  $("form-backdrop").hidden = true;
}

async function submitForm(event) {
  event.preventDefault();
  const form = state.form;
  if (!form) return;
  const values = {};
  for (const input of $("form-fields").querySelectorAll("input, select")) {
    values[input.name] = input.type === "checkbox" ? String(input.checked) : input.value;
  }
  for (const node of document.querySelectorAll(".field")) node.classList.remove("invalid");
  for (const node of document.querySelectorAll(".field-error")) node.replaceChildren();
  $("form-errors").replaceChildren();
  $("form-submit").disabled = true;
  try {
    // POST to the actionUrl exactly as the form gave it (absolute, with its one-time token).
    const answer = await send("POST", form.actionUrl, values);
    if (answer.status === 200) {
      closeForm();
      addActivity("success", answer.body.message || "Done", answer.body.detail);
      await refreshProfile(); // as Gladly does after an action
    } else if (answer.status === 400) {
      showErrors(answer.body);
    } else if (answer.status === 406) {
      // Gladly dismisses the form: the action cannot succeed. What changed the order (refunded or
      // cancelled meanwhile) is on the profile only once it is looked up again: the protocol reference
      // says Gladly runs a DETAILED lookup after a done action, and nothing about a 406, so the preview
      // refreshes the profile here too rather than keep offering an action the order no longer allows.
      closeForm();
      const [first, ...others] = errorMessages(answer.body);
      addActivity("error", first, others.join("\n"));
      await refreshProfile();
    } else {
      showErrors({ errors: [{ attr: "", message: `The action answered ${answer.status}: ${errorText(answer.body)}` }] });
    }
  } catch (error) {
    showErrors({ errors: [{ attr: "", message: error.message }] });
  } finally {
    $("form-submit").disabled = false;
  }
}

// Every error of the answer is shown: each on its field (several on one field one under the other),
// those naming no field of this form at the form's top (with the name they gave, if any).
function showErrors(body) {
  const errors = body && Array.isArray(body.errors) ? body.errors : [{ attr: "", message: errorText(body) }];
  for (const item of errors) {
    const text = item.message || item.detail || item.code || "Invalid";
    const field = item.attr ? document.querySelector(`#form-fields .field[data-attr="${CSS.escape(item.attr)}"]`) : null;
    if (field) {
      field.classList.add("invalid");
      field.querySelector(".field-error").append(el("div", { class: "field-error-item", text }));
    } else {
      $("form-errors").append(el("li", { text: item.attr ? `${item.attr}: ${text}` : text }));
    }
  }
}
