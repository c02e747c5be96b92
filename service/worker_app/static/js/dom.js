// A tiny element builder: text always goes in as text (never as HTML), so nothing from the server can run.

/**
 * h("p", {class: "hint"}, "text", child, ...) → an element. Attribute values of `false`/`null` are left out;
 * `true` sets an empty attribute; `on<event>` keys attach listeners.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else if (name === "checked" || name === "value") {
      element[name] = value;
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace everything inside `element`. */
export function replaceChildren(element, ...children) {
  element.replaceChildren();
  append(element, children);
}
