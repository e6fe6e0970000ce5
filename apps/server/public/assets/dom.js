// Small DOM helpers shared by the dashboard's parts. No inline styles or scripts anywhere (the
// server's Content-Security-Policy forbids them): styles come from dashboard.css, or are set
// through element.style, which the policy allows.
export const $ = (selector) => document.querySelector(selector);

/** Builds an element; `on…` attributes become listeners, children are nodes or text. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    // Through the style object, not the attribute: the page's CSP refuses inline style attributes.
    else if (key === 'style') node.style.cssText = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

/** Shows an error above the page (or hides it with null); aborted requests are not errors. */
export function showError(error) {
  if (error?.name === 'AbortError') return;
  $('#error').textContent = error ? String(error.message ?? error) : '';
  $('#error').hidden = !error;
}

/** A horizontal bar filled to `percent`, with its value for assistive tech (and tests). */
export function progressBar(percent, label) {
  const fill = el('span');
  fill.style.width = `${percent}%`;
  return [
    el('span', { class: 'bar', role: 'progressbar', 'aria-valuenow': String(percent), 'aria-valuemin': '0', 'aria-valuemax': '100' }, fill),
    el('span', { class: 'percent' }, label),
  ];
}

/** A definition list's content from [term, value] pairs; values are text or nodes. */
export function definitions(pairs) {
  return pairs.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value ?? '–')]);
}
