import { h, append, clear, time, table, errorText } from './dom.js';
import { api } from './app.js';

const ACTIONS = ['configuration.update', 'configuration.overrides.remove', 'replay.manual', 'replay.bulk',
  'personal-data.erase', 'personal-data.reveal', 'approval.request', 'approval.approve', 'approval.reject'];

// Who did what, when: the operator audit trail, newest first, filterable (the filters are in the address).
export function audit(main, params, query) {
  const action = h('select', { id: 'a-action', name: 'action' }, h('option', { value: '' }, 'any'),
    ACTIONS.map((name) => h('option', { value: name, selected: name === query.get('action') }, name)));
  const actor = h('input', { id: 'a-actor', name: 'actor', value: query.get('actor') || '', size: 14 });
  const from = h('input', { id: 'a-from', name: 'from', value: query.get('from') || '', placeholder: '2026-11-24T00:00:00Z', size: 22 });
  const to = h('input', { id: 'a-to', name: 'to', value: query.get('to') || '', placeholder: '2026-11-25T00:00:00Z', size: 22 });
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Audit filters' },
    h('div', {}, h('label', { for: 'a-action' }, 'Action'), action), h('div', {}, h('label', { for: 'a-actor' }, 'Operator'), actor),
    h('div', {}, h('label', { for: 'a-from' }, 'From (UTC)'), from), h('div', {}, h('label', { for: 'a-to' }, 'Before (UTC)'), to),
    h('button', { type: 'submit' }, 'Filter'));
  const message = h('p', { role: 'status', class: 'note' });
  const results = h('div', { id: 'audit-results' });
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Next page');
  append(main, h('h1', {}, 'Audit trail'), form, message, results, more);
  let cursor = null;

  function filters() {
    const search = new URLSearchParams();
    for (const [name, control] of [['action', action], ['actor', actor], ['from', from], ['to', to]]) {
      if (control.value) search.set(name, control.value);
    }
    return search;
  }

  async function load(next) {
    const search = filters();
    if (next && cursor) search.set('cursor', cursor);
    try {
      const page = await api('/audit?' + search);
      const rendered = table(['When', 'Operator', 'Action', 'Target', 'Outcome', 'Details'], page.entries.map((entry) => [
        time(entry.recordedAt), entry.actor, entry.action, entry.target || '', entry.outcome,
        h('code', {}, JSON.stringify({ parameters: entry.parameters, result: entry.result }))]), 'Audit trail');
      if (next) results.append(rendered); else clear(results).append(rendered);
      cursor = page.nextCursor || null;
      more.hidden = !cursor;
      message.textContent = page.entries.length + ' entr' + (page.entries.length === 1 ? 'y' : 'ies');
    } catch (error) {
      message.textContent = errorText(error);
    }
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const search = filters();
    history.replaceState(null, '', '/console/audit' + (search.toString() ? '?' + search : ''));
    load(false);
  });
  more.addEventListener('click', () => load(true));
  load(false);
}
