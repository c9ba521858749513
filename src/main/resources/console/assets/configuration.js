import { h, append, clear, table, errorText } from './dom.js';
import { api, state, can } from './app.js';

const TOP = [['endpointUrl', 'text'], ['apiVersion', 'text'], ['status', ['active', 'disabled']],
  ['timeoutSeconds', 'number'], ['maxRetries', 'number'], ['signatureVerification', 'checkbox']];
const NESTED = { retry: [['initialDelayMs', 'number'], ['multiplier', 'number'], ['maxDelayMs', 'number'], ['jitter', 'number']],
  scheduler: [['enabled', 'checkbox'], ['pollIntervalMs', 'number'], ['batchSize', 'number'], ['leaseTimeoutMs', 'number']] };

// The run-time settings for every replica: edit, check (errors next to their field), review the diff, save.
export function configuration(main) {
  const form = h('form', { id: 'configuration', novalidate: true });
  const review = h('div', { id: 'review', 'aria-live': 'polite' });
  const message = h('p', { role: 'status' });
  append(main, h('h1', {}, 'Configuration'), h('p', { class: 'note' }, 'Changes apply to every replica within a'
    + ' second; each is recorded in the audit trail.'), message, form, review);
  let current = null;

  function field(path, kind, value, origin) {
    const id = 'c-' + path.replace('.', '-');
    let control;
    if (Array.isArray(kind)) {
      control = h('select', { id, name: path }, kind.map((option) => h('option', { value: option, selected: option === value }, option)));
    } else if (kind === 'checkbox') {
      control = h('input', { id, name: path, type: 'checkbox', checked: value === true });
    } else {
      control = h('input', { id, name: path, type: kind === 'number' ? 'text' : 'text', inputmode: kind === 'number' ? 'decimal' : null,
        value: value ?? '' });
    }
    control.disabled = !can('webhooks:admin');
    return h('div', { class: 'field' }, h('label', { for: id }, path, h('span', { class: 'origin' }, '(' + origin + ')')),
      control, h('div', { class: 'error', id: id + '-error', role: 'alert' }));
  }

  function render() {
    clear(form);
    const types = [...new Set(state.me.sources.flatMap((source) => source.eventTypes))];
    append(form, TOP.map(([name, kind]) => field(name, kind, current[name], current.sources[name])),
      h('fieldset', {}, h('legend', {}, 'enabledEvents (' + current.sources.enabledEvents + ')'),
        types.map((type) => h('label', { class: 'inline' }, h('input', { type: 'checkbox', name: 'enabledEvents', value: type,
          checked: current.enabledEvents.includes(type), disabled: !can('webhooks:admin') }), ' ' + type + ' ')),
        h('div', { class: 'error', id: 'c-enabledEvents-error', role: 'alert' })),
      Object.entries(NESTED).map(([section, keys]) => h('fieldset', {}, h('legend', {}, section),
        keys.map(([key, kind]) => field(section + '.' + key, kind, current[section][key], current.sources[section][key])))),
      can('webhooks:admin') ? h('button', { type: 'submit' }, 'Review changes') : null);
  }

  function edited() {
    const value = (name, kind) => {
      const control = form.elements[name];
      if (kind === 'checkbox') return control.checked;
      if (kind === 'number') return control.value.trim() === '' ? null : Number(control.value);
      return control.value;
    };
    const changed = (a, b) => JSON.stringify(a) !== JSON.stringify(b);
    // The overrides in force stay; the fields edited here join them.
    const body = {};
    for (const [name, kind] of TOP) {
      const now = value(name, kind);
      if (current.sources[name] === 'override' || changed(now, current[name])) body[name] = now;
    }
    const events = [...form.querySelectorAll('input[name=enabledEvents]:checked')].map((box) => box.value);
    if (current.sources.enabledEvents === 'override' || changed([...events].sort(), [...current.enabledEvents].sort())) {
      body.enabledEvents = events;
    }
    for (const [section, keys] of Object.entries(NESTED)) {
      for (const [key, kind] of keys) {
        const now = value(section + '.' + key, kind);
        if (current.sources[section][key] === 'override' || changed(now, current[section][key])) {
          (body[section] = body[section] || {})[key] = now;
        }
      }
    }
    return body;
  }

  function showErrors(error) {
    form.querySelectorAll('.error').forEach((node) => { node.textContent = ''; });
    for (const fieldError of error.fieldErrors || []) {
      const name = fieldError.field.replace(/^\//, '').replace('/', '-');
      const target = document.getElementById('c-' + name + '-error');
      if (target) target.textContent = fieldError.reason;
    }
    message.textContent = errorText(error);
    message.className = 'error';
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = edited();
    try {
      const check = await api('/configuration/check', { method: 'POST', body });
      form.querySelectorAll('.error').forEach((node) => { node.textContent = ''; });
      message.textContent = '';
      clear(review);
      if (!check.changes.length) {
        review.append(h('p', { class: 'note' }, 'Nothing changed.'));
        return;
      }
      const save = h('button', { type: 'button', id: 'save-configuration', onclick: async () => {
        try {
          current = await api('/configuration', { method: 'PUT', body });
          clear(review).append(h('p', { class: 'ok', id: 'saved' }, 'Saved as version ' + current.lastChange.version + '.'));
          render();
        } catch (error) { showErrors(error); }
      } }, 'Save ' + check.changes.length + ' change(s)');
      append(review, h('h2', {}, 'Review'), table(['Setting', 'Now', 'After saving'], check.changes.map((change) =>
        [change.field, JSON.stringify(change.from), JSON.stringify(change.to)]), 'Changes'),
        h('div', { class: 'actions' }, save, h('button', { type: 'button', class: 'secondary', onclick: () => clear(review) }, 'Cancel')));
      save.focus();
    } catch (error) {
      clear(review);
      showErrors(error);
    }
  });

  api('/configuration').then((data) => { current = data; render(); })
    .catch((error) => { message.textContent = errorText(error); message.className = 'error'; });
}
