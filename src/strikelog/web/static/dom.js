// Building the page's DOM without ever parsing text as HTML: every string becomes a text node.
// This is what keeps article text inert: nothing in an article can become markup or script.

/** An element with attributes, properties and children; string children become text nodes. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "class") el.className = value;
    else if (name === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

/** An SVG element with attributes (the timeline). */
export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A link to an outside page, only for http(s) addresses; anything else is shown as plain text. */
export function outsideLink(url, text) {
  if (typeof url !== "string" || !/^https?:\/\//i.test(url)) return text || url || "";
  return h("a", { href: url, rel: "noopener noreferrer nofollow", target: "_blank" }, text || url);
}

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** One character as it is compared: no accents, lower case, no apostrophes, hyphens as spaces. */
function foldChar(ch) {
  if (/['’‘`ʼ]/u.test(ch)) return "";
  if (/[\s\-‐‑–]/u.test(ch)) return " ";
  return ch.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** `text` folded, with the index in `text` of every folded character (so matches map back). */
function folded(text) {
  let out = "";
  const origin = [];
  for (let i = 0; i < text.length; i++) {
    const f = foldChar(text[i]);
    for (const c of f) {
      out += c;
      origin.push(i);
    }
  }
  origin.push(text.length);
  return { out, origin };
}

/** `text` as text nodes, with whole-word occurrences of `terms` wrapped in <mark>. Matching ignores
 * case, accents, apostrophes and hyphens: "Al Qā’im" marks "Al-Qaim", "Kata'ib" marks "Kataib". */
export function highlighted(text, terms) {
  const fragment = document.createDocumentFragment();
  const words = [...new Set(terms.filter((t) => t !== null && t !== undefined && String(t).trim())
    .map((t) => folded(String(t)).out.trim()).filter(Boolean))];
  if (!words.length) {
    fragment.append(document.createTextNode(text));
    return fragment;
  }
  words.sort((a, b) => b.length - a.length);
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${words.map(escapeRegExp).join("|")})(?![\\p{L}\\p{N}])`, "gu");
  const { out, origin } = folded(text);
  let last = 0;
  for (const match of out.matchAll(pattern)) {
    const start = origin[match.index];
    const end = origin[match.index + match[0].length - 1] + 1;
    fragment.append(document.createTextNode(text.slice(last, start)), h("mark", {}, text.slice(start, end)));
    last = end;
  }
  fragment.append(document.createTextNode(text.slice(last)));
  return fragment;
}

/** Whether `text` contains any of `terms` as whole words (the test `highlighted` marks by). */
export function mentions(text, terms) {
  return highlighted(text, terms).querySelector("mark") !== null;
}
