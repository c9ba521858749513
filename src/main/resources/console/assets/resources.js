import { h, append, clear, time, badge, table, facts, link, confirmDialog, errorText } from './dom.js';
import { api, state, can, navigate } from './app.js';

function withResource() {
  return state.me.sources.filter((source) => source.resource);
}

// Look up a source's resource (an order, a payment, …) by id.
export function resources(main) {
  const sources = withResource();
  const source = h('select', { id: 'r-source', name: 'source' }, sources.map((each) =>
    h('option', { value: each.name }, each.name + ' (' + each.resource + ')')));
  const id = h('input', { id: 'r-id', name: 'id', required: true, size: 24 });
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Look up a resource' },
    h('div', {}, h('label', { for: 'r-source' }, 'Source'), source),
    h('div', {}, h('label', { for: 'r-id' }, 'Id'), id), h('button', { type: 'submit' }, 'Look up'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    navigate('/console/resources/' + encodeURIComponent(source.value) + '/' + encodeURIComponent(id.value.trim()));
  });
  append(main, h('h1', {}, 'Resources'), h('p', { class: 'note' }, 'Orders, payments and the other resources the'
    + ' sources keep, by id: their state and history. Personal data is masked.'), form);
}

export function resourceDetail(main, [sourceName, id]) {
  document.title = id + ' · Webhook Inbox';
  const source = state.me.sources.find((each) => each.name === sourceName) || { name: sourceName };
  const body = h('div', {}, h('p', {}, 'Loading…'));
  const outcome = h('p', { role: 'status', id: 'resource-outcome' });
  append(main, h('p', {}, link('/console/resources', '← Resources')), h('h1', {}, sourceName + ' ' + id), outcome, body);
  const base = '/resources/' + encodeURIComponent(sourceName) + '/' + encodeURIComponent(id);

  function render(resource, revealed) {
    const history = resource.events || [];
    const fields = Object.entries(resource).filter(([key, value]) => key !== 'events' && (typeof value !== 'object' || value === null));
    const nested = Object.entries(resource).filter(([key, value]) => key !== 'events' && value && typeof value === 'object');
    const actions = h('div', { class: 'actions' });
    if (can('webhooks:pii') && !revealed) {
      actions.append(h('button', { type: 'button', class: 'secondary', id: 'reveal-resource', onclick: async () => {
        try {
          render(await api(base + '/reveal', { method: 'POST', body: {} }), true);
          outcome.textContent = 'Shown with personal data. This reveal is recorded in the audit trail.';
          outcome.className = 'note';
        } catch (error) { outcome.textContent = errorText(error); outcome.className = 'error'; }
      } }, 'Reveal personal data'));
    }
    if (can('webhooks:admin') && source.erasable) {
      actions.append(h('button', { type: 'button', class: 'danger', id: 'erase', onclick: erase }, 'Erase personal data…'));
    }
    clear(body);
    append(body, facts(fields.map(([key, value]) => [key, key.endsWith('At') || key.endsWith('On') ? time(value) : value])),
      nested.map(([key, value]) => [h('h2', {}, key), h('pre', { tabindex: '0', 'aria-label': key }, JSON.stringify(value, null, 2))]),
      revealed ? null : h('p', { class: 'note' }, 'Personal data is not shown.'),
      actions,
      h('h2', {}, 'History'),
      table(['Event', 'Type', 'Status', 'Occurred', 'Received'], history.map((row) => [
        link('/console/events/' + encodeURIComponent(sourceName) + '/' + encodeURIComponent(row.eventId), row.eventId),
        row.eventType, badge(row.status), time(row.occurredAt), time(row.receivedAt)]), 'History'));
  }

  async function erase() {
    const typed = h('input', { id: 'confirm-id', autocomplete: 'off' });
    const yes = await confirmDialog('Erase the personal data of ' + id + '?', h('div', {},
      h('p', {}, 'Personal data is erased from the resource and from every stored payload of its events. This cannot'
        + ' be undone.' + (state.me.fourEyes.enabled ? ' A second operator must approve it.' : '')),
      h('label', { for: 'confirm-id' }, 'Type the id to confirm'), typed), state.me.fourEyes.enabled ? 'Ask for approval'
      : 'Erase', { danger: true, confirmWhen: () => typed.value === id });
    if (!yes) return;
    try {
      const answer = await api(base + '/erase', { method: 'POST', body: { confirm: typed.value } });
      outcome.textContent = answer.approval ? 'Approval request ' + answer.approval.id + ' created; a second operator'
        + ' approves it under Approvals.' : 'Personal data erased.';
      outcome.className = 'ok';
      if (!answer.approval) load();
    } catch (error) { outcome.textContent = errorText(error); outcome.className = 'error'; }
  }

  async function load() {
    try {
      render(await api(base), false);
    } catch (error) {
      clear(body).append(h('p', { class: 'error' }, errorText(error)));
    }
  }
  load();
}
