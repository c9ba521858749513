import { h, append, clear, time, badge, table, facts, link, confirmDialog, errorText } from './dom.js';
import { api, state, can, navigate } from './app.js';

function idField(source) {
  const known = state.me.sources.find((each) => each.name === source);
  return known ? known.idField : 'externalId';
}

function idLabel(source) {
  return idField(source);
}

const STATUSES = ['processed', 'stale', 'ignored', 'processing', 'failed', 'dead'];

function select(name, label, options, value) {
  return h('div', {}, h('label', { for: 'f-' + name }, label),
    h('select', { id: 'f-' + name, name }, h('option', { value: '' }, 'any'),
      options.map((option) => h('option', { value: option, selected: option === value }, option))));
}

function input(name, label, value, attrs = {}) {
  return h('div', {}, h('label', { for: 'f-' + name }, label), h('input', { id: 'f-' + name, name, value: value || '', ...attrs }));
}

// Filters live in the address (so the page can be bookmarked and shared) except the payload search, which may name
// personal data: it stays in the form and travels in the request body.
export function events(main, params, query) {
  const sources = state.me.sources;
  const types = [...new Set(sources.flatMap((source) => source.eventTypes))];
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Event filters' },
    select('source', 'Source', sources.map((source) => source.name), query.get('source')),
    select('eventType', 'Type', types, query.get('eventType')),
    select('status', 'Status', STATUSES, query.get('status')),
    input('from', 'Received from (UTC)', query.get('from'), { placeholder: '2026-11-24T00:00:00Z', size: 22 }),
    input('to', 'Received before (UTC)', query.get('to'), { placeholder: '2026-11-25T00:00:00Z', size: 22 }),
    input('resourceId', 'Resource id (order, payment…)', query.get('resourceId'), { size: 16 }),
    input('payload', 'Payload search', '', { class: 'wide', placeholder: 'order.clientReference = REQ-1  or  {"order":{"status":"OnHold"}}',
      autocomplete: 'off' }),
    h('button', { type: 'submit' }, 'Search'),
    h('label', {}, h('input', { type: 'checkbox', id: 'live', checked: true }), ' Live'));
  const message = h('p', { role: 'status', class: 'note' });
  const results = h('div', { id: 'event-results' });
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Next page');
  append(main, h('h1', {}, 'Events'), form, message, results, more);
  let cursor = null;
  let stopped = false;

  function filters() {
    const data = Object.fromEntries(new FormData(form).entries());
    for (const key of Object.keys(data)) if (!data[key]) delete data[key];
    return data;
  }

  async function load(append_ = false) {
    const body = { ...filters(), limit: 50 };
    if (append_ && cursor) body.cursor = cursor;
    try {
      const page = await api('/events/search', { method: 'POST', body });
      if (stopped) return;
      const rows = page.events.map((event) => [time(event.receivedAt), event.source, event.eventType,
        link('/console/events/' + encodeURIComponent(event.source) + '/' + encodeURIComponent(event.eventId), event.eventId),
        event[idField(event.source)] ?? '', badge(event.inboxStatus),
        String(event.retryCount), event.errorMessage || '']);
      const rendered = table(['Received', 'Source', 'Type', 'Event id', 'Resource id', 'Status', 'Retries', 'Last error'],
        rows, 'Events, newest first');
      if (append_) results.append(rendered); else clear(results).append(rendered);
      cursor = page.nextCursor || null;
      more.hidden = !cursor;
      message.textContent = page.events.length + ' event(s)' + (cursor ? ', more on the next page' : '');
      message.className = 'note';
    } catch (error) {
      message.textContent = errorText(error);
      message.className = 'error';
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const shared = new URLSearchParams(filters());
    shared.delete('payload');
    history.replaceState(null, '', '/console/events' + (shared.toString() ? '?' + shared : ''));
    cursor = null;
    load();
  });
  more.addEventListener('click', () => load(true));
  load();
  const timer = setInterval(() => {
    if (document.getElementById('live')?.checked && !more.dataset.paged && !document.querySelector('dialog')) load();
  }, 5000);
  more.addEventListener('click', () => { more.dataset.paged = 'yes'; });
  return () => { stopped = true; clearInterval(timer); };
}

export function eventDetail(main, [source, eventId]) {
  document.title = 'Event ' + eventId + ' · Webhook Inbox';
  const body = h('div', {}, h('p', {}, 'Loading…'));
  append(main, h('p', {}, link('/console/events', '← Events')), h('h1', {}, 'Event ' + eventId), body);
  let progress = null;
  async function show() {
    let event;
    try {
      event = await api('/events/' + encodeURIComponent(source) + '/' + encodeURIComponent(eventId));
    } catch (error) {
      clear(body).append(h('p', { class: 'error' }, errorText(error)));
      return;
    }
    const inbox = event.inbox;
    const resourceId = event[idField(event.source)];
    const payload = h('pre', { id: 'payload', tabindex: '0', 'aria-label': 'Payload' }, JSON.stringify(event.payload, null, 2));
    const payloadNote = h('p', { class: 'note', id: 'payload-note' }, 'Personal data is masked (•••).');
    const actions = h('div', { class: 'actions' });
    const outcome = h('p', { role: 'status', id: 'action-outcome' });
    if (can('webhooks:pii')) {
      actions.append(h('button', { type: 'button', id: 'reveal', class: 'secondary', onclick: async (e) => {
        try {
          const revealed = await api('/events/' + encodeURIComponent(source) + '/' + encodeURIComponent(eventId) + '/reveal',
            { method: 'POST', body: {} });
          payload.textContent = JSON.stringify(revealed.payload, null, 2);
          payloadNote.textContent = 'Shown as stored. This reveal is recorded in the audit trail.';
          e.target.disabled = true;
        } catch (error) {
          outcome.textContent = errorText(error);
          outcome.className = 'error';
        }
      } }, 'Reveal personal data'));
    }
    if (can('webhooks:admin') && ['failed', 'dead', 'ignored'].includes(event.inboxStatus)) {
      actions.append(h('button', { type: 'button', id: 'replay', onclick: async () => {
        const yes = await confirmDialog('Replay event ' + eventId + '?',
          h('p', {}, 'The event is attempted again now, once. It is ' + event.inboxStatus + ' after '
            + inbox.attempts + ' attempt(s).'), 'Replay now');
        if (!yes) return;
        try {
          await api('/events/' + encodeURIComponent(source) + '/' + encodeURIComponent(eventId) + '/replay', { method: 'POST', body: {} });
          outcome.textContent = 'Replay started.';
          outcome.className = 'ok';
          progress = setTimeout(show, 1500);
        } catch (error) {
          outcome.textContent = errorText(error);
          outcome.className = 'error';
        }
      } }, 'Replay…'));
    }
    clear(body);
    append(body,
      facts([['Status', badge(event.inboxStatus)], ['Source', event.source], ['Type', event.eventType],
        [idLabel(event.source), resourceId ? link('/console/resources/' + encodeURIComponent(event.source) + '/'
          + encodeURIComponent(resourceId), resourceId) : null],
        ['Received', time(event.receivedAt)], ['Processed', time(event.processedAt)],
        ['Processing time', event.processingTimeMs === null ? null : event.processingTimeMs + ' ms'],
        ['Attempts', String(inbox.attempts)], ['Next attempt', time(inbox.nextAttemptAt)],
        ['Correlation id', event.correlationId], ['Occurred', time(inbox.occurredAt)], ['Sent by', inbox.principal],
        ['Last error', event.errorMessage]]),
      actions, outcome,
      h('h2', {}, 'Attempts'),
      inbox.attemptHistory.length ? h('ol', { class: 'timeline', id: 'attempts' }, inbox.attemptHistory.map((attempt) =>
        h('li', {}, time(attempt.startedAt) + ' → ' + time(attempt.finishedAt) + ': ', badge(attempt.outcome),
          attempt.error ? ' ' + attempt.error : ''))) : h('p', { class: 'note' }, 'Applied on arrival; no retries.'),
      h('h2', {}, 'History of ' + (resourceId || 'its resource')),
      table(['Event', 'Type', 'Status', 'Occurred', 'Received'], (event.history || []).map((row) => [
        link('/console/events/' + encodeURIComponent(event.source) + '/' + encodeURIComponent(row.eventId), row.eventId),
        row.eventType, badge(row.status), time(row.occurredAt), time(row.receivedAt)]), 'Resource history'),
      h('h2', {}, 'Payload'), payloadNote, payload);
  }
  show();
  return () => clearTimeout(progress);
}
export { navigate };
