// DOM helpers shared by the pages. Safety rule: text from articles and models reaches the
// page only as text nodes (el() turns every string child into one); never innerHTML.
"use strict";

/** Build an element. Children that are strings become text nodes, never markup. */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  node.replaceChildren();
}

export const fmtInt = (n) => Number(n || 0).toLocaleString("en-US");

export function plural(n, one, many) {
  return `${fmtInt(n)} ${n === 1 ? one : many || one + "s"}`;
}

export function listNames(names) {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}
