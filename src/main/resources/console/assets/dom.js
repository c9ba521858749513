// Small DOM helpers: elements are built with text nodes only, so nothing a payload holds is ever parsed as HTML.
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

// Children as arguments, arrays of them, or both (nested arrays are flattened).
export function append(element, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export function clear(element) {
  while (element.firstChild) element.firstChild.remove();
  return element;
}

export function time(value) {
  if (!value) return '';
  const date = new Date(value);
  return isNaN(date) ? value : date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function badge(status) {
  return h('span', { class: 'badge s-' + status }, status);
}

export function table(headers, rows, caption) {
  return h('table', {}, caption ? h('caption', { class: 'visually-hidden' }, caption) : null,
    h('thead', {}, h('tr', {}, headers.map((header) => h('th', { scope: 'col' }, header)))),
    h('tbody', {}, rows.length ? rows.map((cells) => h('tr', {}, cells.map((cell) => h('td', {}, cell))))
      : h('tr', {}, h('td', { colspan: headers.length, class: 'note' }, 'Nothing to show.'))));
}

export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(([, value]) => value !== undefined)
    .map(([label, value]) => [h('dt', {}, label), h('dd', {}, value === null || value === '' ? '—' : value)]));
}

export function link(href, text) {
  return h('a', { href, 'data-link': true }, text);
}

// A modal dialog; resolves true when confirmed. `body` is a node; `confirmWhen` enables the button.
export function confirmDialog(title, body, confirmLabel, { danger = false, confirmWhen } = {}) {
  return new Promise((resolve) => {
    const ok = h('button', { type: 'button', class: danger ? 'danger' : '' }, confirmLabel);
    const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
    const dialog = h('dialog', { 'aria-labelledby': 'dialog-title' }, h('h2', { id: 'dialog-title' }, title), body,
      h('div', { class: 'actions' }, ok, cancel));
    const done = (answer) => { dialog.close(); dialog.remove(); resolve(answer); };
    ok.addEventListener('click', () => done(true));
    cancel.addEventListener('click', () => done(false));
    dialog.addEventListener('cancel', () => done(false));
    if (confirmWhen) {
      ok.disabled = !confirmWhen();
      dialog.addEventListener('input', () => { ok.disabled = !confirmWhen(); });
    }
    document.body.append(dialog);
    dialog.showModal();
  });
}

export function errorText(error) {
  if (!error) return '';
  const fields = (error.fieldErrors || []).map((field) => field.field + ': ' + field.reason).join('; ');
  return (error.message || 'Request failed') + (fields ? ' (' + fields + ')' : '');
}
