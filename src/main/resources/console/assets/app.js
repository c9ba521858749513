import { h, clear, append } from './dom.js';
import { overview } from './overview.js';
import { events, eventDetail } from './events.js';
import { deadLetters } from './deadletters.js';
import { resources, resourceDetail } from './resources.js';
import { configuration } from './configuration.js';
import { audit } from './audit.js';
import { approvals } from './approvals.js';

export const state = { me: null };

// JSON API of the console: same-origin, the session cookie, the CSRF token on every change.
export async function api(path, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    headers['X-CSRF-Token'] = state.me ? state.me.csrfToken : '';
  }
  const response = await fetch('/console/api' + path, { method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401) {
    location.assign('/console/sign-in?next=' + encodeURIComponent(location.pathname));
    throw { status: 401, message: 'Signed out' };
  }
  const json = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = json.error || {};
    throw { status: response.status, message: error.message || json.message || 'Request failed',
      fieldErrors: error.fieldErrors || [] };
  }
  return json.data;
}

export function can(scope) {
  return state.me && state.me.scopes.includes(scope);
}

const routes = [
  [/^\/console\/?$/, overview, 'Overview'],
  [/^\/console\/events$/, events, 'Events'],
  [/^\/console\/events\/([^/]+)\/([^/]+)$/, eventDetail, 'Events'],
  [/^\/console\/dead-letters$/, deadLetters, 'Dead letters'],
  [/^\/console\/resources$/, resources, 'Resources'],
  [/^\/console\/resources\/([^/]+)\/([^/]+)$/, resourceDetail, 'Resources'],
  [/^\/console\/configuration$/, configuration, 'Configuration'],
  [/^\/console\/audit$/, audit, 'Audit trail'],
  [/^\/console\/approvals$/, approvals, 'Approvals'],
];
const menu = [['/console/', 'Overview'], ['/console/events', 'Events'], ['/console/dead-letters', 'Dead letters'],
  ['/console/resources', 'Resources'], ['/console/configuration', 'Configuration']];
let cleanup = null;

export function navigate(url) {
  history.pushState(null, '', url);
  render();
}

function render() {
  if (cleanup) { cleanup(); cleanup = null; }
  const main = document.getElementById('main');
  clear(main);
  const path = location.pathname;
  const match = routes.find(([pattern]) => pattern.test(path));
  document.querySelectorAll('#nav a').forEach((a) => {
    a.toggleAttribute('aria-current', false);
    if (match && a.textContent === match[2]) a.setAttribute('aria-current', 'page');
  });
  if (!match) {
    document.title = 'Not found · Webhook Inbox';
    append(main, h('h1', {}, 'Not found'));
    return;
  }
  const params = path.match(match[0]).slice(1).map(decodeURIComponent);
  document.title = match[2] + ' · Webhook Inbox';
  const result = match[1](main, params, new URLSearchParams(location.search));
  cleanup = typeof result === 'function' ? result : null;
}

async function start() {
  state.me = await api('/me');
  const nav = document.getElementById('nav');
  const items = menu.slice();
  if (can('webhooks:admin')) items.push(['/console/approvals', 'Approvals'], ['/console/audit', 'Audit trail']);
  items.forEach(([href, label]) => nav.append(h('li', {}, h('a', { href, 'data-link': true }, label))));
  document.getElementById('operator').textContent = state.me.name + ' (' + state.me.scopes.join(', ') + ')';
  document.getElementById('sign-out').addEventListener('click', async () => {
    const answer = await api('/sign-out', { method: 'POST', body: {} }).catch(() => null);
    location.assign(answer && answer.location ? answer.location : '/console/signed-out');
  });
  document.addEventListener('click', (event) => {
    const anchor = event.target.closest('a[data-link]');
    if (anchor && anchor.origin === location.origin && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
      event.preventDefault();
      navigate(anchor.pathname + anchor.search);
    }
  });
  window.addEventListener('popstate', render);
  render();
}

start().catch((error) => {
  const main = document.getElementById('main');
  clear(main);
  append(main, h('h1', {}, 'The console could not start'), h('p', { class: 'error' }, error.message || ''));
});
