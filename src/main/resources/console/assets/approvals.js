import { h, append, clear, time, badge, table, errorText } from './dom.js';
import { api, state } from './app.js';
import { trackReplay } from './deadletters.js';

// Four-eyes: requests for dangerous actions, approved or rejected by a second operator (never the one who asked).
export function approvals(main) {
  const message = h('p', { role: 'status', id: 'approval-outcome' });
  const list = h('div', { id: 'approvals' });
  const progress = h('div', { 'aria-live': 'polite' });
  append(main, h('h1', {}, 'Approvals'), h('p', { class: 'note' }, state.me.fourEyes.enabled
    ? 'Bulk replays of more than ' + state.me.fourEyes.bulkReplayThreshold + ' events and erasures need a second operator.'
    : 'Four-eyes is off: actions run at once.'), message, list, progress);
  let stop = null;

  async function decide(request, decision) {
    try {
      const answer = await api('/approvals/' + request.id + '/' + decision, { method: 'POST', body: {} });
      message.textContent = 'Request ' + request.id + ' ' + answer.status
        + (answer.result && answer.result.requeued !== undefined ? ': ' + answer.result.requeued + ' event(s) re-queued' : '')
        + (answer.result && answer.result.error ? ': ' + answer.result.error : '') + '.';
      message.className = answer.status === 'failed' ? 'error' : 'ok';
      if (answer.result && answer.result.eventIds) {
        if (stop) stop();
        clear(progress).append(h('h2', {}, 'Replay progress'));
        stop = trackReplay(progress, answer.result.eventIds);
      }
      load();
    } catch (error) {
      message.textContent = errorText(error);
      message.className = 'error';
    }
  }

  async function load() {
    try {
      const data = await api('/approvals');
      clear(list).append(table(['#', 'Action', 'Target', 'What', 'Asked by', 'Asked', 'Lapses', 'Status', 'Decided by', ''],
        data.requests.map((request) => [String(request.id), request.action, request.target || '',
          h('code', {}, JSON.stringify(request.parameters)), request.requestedBy, time(request.requestedAt),
          time(request.expiresAt), badge(request.status), request.decidedBy || '',
          request.status !== 'pending' ? '' : request.requestedBy === state.me.name
            ? h('button', { type: 'button', class: 'secondary', onclick: () => decide(request, 'reject') }, 'Withdraw')
            : h('span', { class: 'actions' },
              h('button', { type: 'button', class: 'approve', dataset: { id: request.id }, onclick: () => decide(request, 'approve') }, 'Approve'),
              h('button', { type: 'button', class: 'secondary', onclick: () => decide(request, 'reject') }, 'Reject'))]),
        'Approval requests'));
    } catch (error) {
      message.textContent = errorText(error);
      message.className = 'error';
    }
  }
  load();
  return () => { if (stop) stop(); };
}
