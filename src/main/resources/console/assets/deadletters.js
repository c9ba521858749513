import { h, append, clear, time, table, confirmDialog, errorText } from './dom.js';
import { api, can } from './app.js';

// Dead letters grouped by source, type and last error; a group is replayed in bulk after a dry run, with progress.
export function deadLetters(main, params, query) {
  const from = h('input', { id: 'dl-from', name: 'from', value: query.get('from') || '', placeholder: '2026-11-24T00:00:00Z', size: 22 });
  const to = h('input', { id: 'dl-to', name: 'to', value: query.get('to') || '', placeholder: '2026-11-25T00:00:00Z', size: 22 });
  const form = h('form', { class: 'filters', 'aria-label': 'Window' },
    h('div', {}, h('label', { for: 'dl-from' }, 'Received from (UTC)'), from),
    h('div', {}, h('label', { for: 'dl-to' }, 'Received before (UTC)'), to),
    h('button', { type: 'submit' }, 'Show'));
  const message = h('p', { role: 'status', class: 'note' });
  const groups = h('div', { id: 'dead-letter-groups' });
  const run = h('div', { id: 'bulk-progress', 'aria-live': 'polite' });
  append(main, h('h1', {}, 'Dead letters'),
    h('p', { class: 'note' }, 'Events whose retries ran out, grouped by source, type and last error.'), form, message, groups, run);
  let poll = null;

  function window_() {
    const body = {};
    if (from.value) body.from = from.value;
    if (to.value) body.to = to.value;
    return body;
  }

  async function load() {
    const search = new URLSearchParams(window_());
    try {
      const data = await api('/dead-letters' + (search.toString() ? '?' + search : ''));
      clear(groups).append(table(['Source', 'Type', 'Last error', 'Events', 'First', 'Last', ''],
        data.groups.map((group) => [group.source, group.eventType, group.lastError || '—', String(group.events),
          time(group.firstReceived), time(group.lastReceived),
          can('webhooks:admin') ? h('button', { type: 'button', class: 'secondary', onclick: () => replay(group) },
            'Replay group…') : '']), 'Dead-letter groups'));
      message.textContent = data.groups.length + ' group(s)';
    } catch (error) {
      message.textContent = errorText(error);
    }
  }

  async function replay(group) {
    const request = { status: 'dead', source: group.source, eventType: group.eventType, limit: 1000, ...window_() };
    if (group.lastError) request.lastError = group.lastError;
    let dry;
    try {
      dry = await api('/replays/dry-run', { method: 'POST', body: request });
    } catch (error) {
      message.textContent = errorText(error);
      return;
    }
    const text = h('div', {}, h('p', { id: 'dry-run' }, 'Dry run: ' + dry.matching + ' dead event(s) match; ' + dry.picked
      + ' would be replayed now (at most 1,000, oldest first).'),
      dry.needsApproval ? h('p', { class: 'note' }, 'More than the four-eyes threshold: this asks a second operator to approve.') : null);
    const yes = await confirmDialog('Replay ' + dry.picked + ' event(s)?', text,
      dry.needsApproval ? 'Ask for approval' : 'Replay now', { confirmWhen: () => dry.picked > 0 });
    if (!yes) return;
    try {
      const answer = await api('/replays', { method: 'POST', body: request });
      if (answer.approval) {
        clear(run).append(h('p', { class: 'ok', id: 'approval-requested' }, 'Approval request ' + answer.approval.id
          + ' created; a second operator approves it under Approvals.'));
      } else {
        track(run, answer.eventIds);
      }
    } catch (error) {
      message.textContent = errorText(error);
    }
  }

  function track(target, ids) {
    clearInterval(poll);
    const bar = h('progress', { max: ids.length, value: 0, id: 'bulk-bar', 'aria-label': 'Replay progress' });
    const counts = h('p', { id: 'bulk-counts' });
    clear(target).append(h('h2', {}, 'Replaying ' + ids.length + ' event(s)'), bar, counts);
    async function tick() {
      const status = await api('/replays/progress', { method: 'POST', body: { eventIds: ids } }).catch(() => null);
      if (!status) return;
      const done = (status.processed || 0) + (status.stale || 0) + (status.ignored || 0) + (status.dead || 0);
      bar.value = done;
      counts.textContent = Object.entries(status).map(([key, value]) => value + ' ' + key).join(', ');
      if (done >= ids.length) { clearInterval(poll); load(); }
    }
    tick();
    poll = setInterval(tick, 1500);
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const shared = new URLSearchParams(window_());
    history.replaceState(null, '', '/console/dead-letters' + (shared.toString() ? '?' + shared : ''));
    load();
  });
  load();
  return () => clearInterval(poll);
}

export function trackReplay(target, ids) {
  const bar = h('progress', { max: ids.length, value: 0, 'aria-label': 'Replay progress' });
  const counts = h('p', { class: 'replay-counts' });
  append(target, bar, counts);
  const poll = setInterval(async () => {
    const status = await api('/replays/progress', { method: 'POST', body: { eventIds: ids } }).catch(() => null);
    if (!status) return;
    const done = (status.processed || 0) + (status.stale || 0) + (status.ignored || 0) + (status.dead || 0);
    bar.value = done;
    counts.textContent = Object.entries(status).map(([key, value]) => value + ' ' + key).join(', ');
    if (done >= ids.length) clearInterval(poll);
  }, 1500);
  return () => clearInterval(poll);
}
