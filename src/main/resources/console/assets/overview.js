import { h, append, clear } from './dom.js';
import { api } from './app.js';

const OUTCOMES = [['processed', '#1d6b32'], ['stale', '#5b8c5a'], ['ignored', '#8a929c'], ['processing', '#0b57a4'],
  ['failed', '#c57b00'], ['dead', '#a4161a']];

// Events per minute over the last hour, one stacked bar per minute, for one source.
function chart(source, minutes, since) {
  const width = 720, height = 160, left = 36, bottom = 20;
  const start = new Date(since).getTime();
  const perMinute = new Array(60).fill(null).map(() => ({}));
  let total = 0;
  for (const row of minutes) {
    const index = Math.round((new Date(row.minute).getTime() - start) / 60000);
    if (index >= 0 && index < 60) {
      perMinute[index][row.status] = (perMinute[index][row.status] || 0) + row.events;
      total += row.events;
    }
  }
  const max = Math.max(1, ...perMinute.map((m) => Object.values(m).reduce((a, b) => a + b, 0)));
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `${source}: ${total} events in the last hour, per minute by outcome`);
  const barWidth = (width - left) / 60;
  perMinute.forEach((counts, index) => {
    let y = height - bottom;
    for (const [status, color] of OUTCOMES) {
      const value = counts[status] || 0;
      if (!value) continue;
      const barHeight = (value / max) * (height - bottom - 8);
      y -= barHeight;
      const rect = document.createElementNS(ns, 'rect');
      rect.setAttribute('x', left + index * barWidth + 1);
      rect.setAttribute('y', y);
      rect.setAttribute('width', Math.max(1, barWidth - 2));
      rect.setAttribute('height', barHeight);
      rect.setAttribute('fill', color);
      const title = document.createElementNS(ns, 'title');
      title.textContent = `${value} ${status}`;
      rect.append(title);
      svg.append(rect);
    }
  });
  for (const [text, y] of [[String(max), 14], ['0', height - bottom]]) {
    const label = document.createElementNS(ns, 'text');
    label.setAttribute('x', 2);
    label.setAttribute('y', y);
    label.setAttribute('font-size', '11');
    label.textContent = text;
    svg.append(label);
  }
  const axis = document.createElementNS(ns, 'text');
  axis.setAttribute('x', left);
  axis.setAttribute('y', height - 4);
  axis.setAttribute('font-size', '11');
  axis.textContent = '60 minutes ago → now (UTC minutes)';
  svg.append(axis);
  return h('div', { class: 'chart' }, h('h3', {}, source), svg);
}

function card(label, value, id) {
  return h('div', { class: 'card', id }, h('div', { class: 'value' }, value === null || value === undefined ? '—' : value),
    h('div', { class: 'label' }, label));
}

export function overview(main) {
  const body = h('div', {}, h('p', {}, 'Loading…'));
  const updated = h('p', { class: 'note', 'aria-live': 'polite' });
  append(main, h('h1', {}, 'Overview'), updated, body);
  let stopped = false;
  async function refresh() {
    try {
      const data = await api('/overview');
      if (stopped) return;
      const activity = data.activity;
      const sources = [...new Set(activity.perMinute.map((row) => row.source))].sort();
      clear(body);
      append(body,
        h('div', { class: 'cards' },
          card('Events, last hour', data.totalEvents, 'card-events'),
          card('Success rate', data.successRate === null ? null : data.successRate + ' %', 'card-success'),
          card('Processing p50 / p99', (data.p50ProcessingTimeMs ?? '—') + ' / ' + (data.p99ProcessingTimeMs ?? '—') + ' ms', 'card-latency'),
          card('Retry backlog', activity.retryBacklog, 'card-backlog'),
          card('Dead letters', activity.deadLetters, 'card-dead'),
          card('Refused 429 / 503 (this replica)', (data.refusalsThisReplica['429'] ?? 0) + ' / '
            + (data.refusalsThisReplica['503'] ?? 0), 'card-refusals')),
        h('h2', {}, 'Events per minute by source and outcome'),
        h('div', { class: 'legend' }, OUTCOMES.map(([status, color]) => h('span', { style: null, dataset: {} }, status))),
        sources.length ? sources.map((source) => chart(source, activity.perMinute.filter((row) => row.source === source),
          activity.since)) : h('p', { class: 'note' }, 'No events in the last hour.'));
      body.querySelectorAll('.legend span').forEach((span, index) => span.style.setProperty('--c', OUTCOMES[index][1]));
      updated.textContent = 'Updated ' + new Date().toISOString().slice(11, 19) + ' UTC; refreshes every 10 seconds.';
    } catch (error) {
      if (!stopped) updated.textContent = 'Refresh failed: ' + (error.message || '');
    }
  }
  refresh();
  const timer = setInterval(refresh, 10000);
  return () => { stopped = true; clearInterval(timer); };
}
