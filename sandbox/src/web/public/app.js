// The sandbox's web front end (issue 16): who you are, your requests and their offers, and your notifications,
// each rendered as it arrives over Socket.IO. A tab takes its session from `#token=<token>` in the URL, from
// localStorage (TOKEN_KEY) or from the login form. On every (re)connection it loads the list it may have missed;
// a connection the server ends (a backend restart) is opened again here: Socket.IO does not do that by itself.
/* global console, document, fetch, FormData, history, io, localStorage, location, setTimeout, URLSearchParams */
const TOKEN_KEY = 'escrow-ui.token';
const RETRY_MS = 500;
/** Requests shown with their offers (one call each): the newest this many. */
const REQUESTS_SHOWN = 20;

const $ = (id) => document.getElementById(id);
const config = await fetch('/config.json').then((res) => res.json());
const shown = new Set();
let socket;
/** The signed-in session: an answer that comes back after a logout, for an earlier session, is dropped. */
let session;
let requestsLoading;

async function api(path, { token, body } = {}) {
  const headers = { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const res = await fetch(`/api${path}`, { method: body ? 'POST' : 'GET', headers, body: body && JSON.stringify(body) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(data.message ?? `${path} answered ${res.status}`), { status: res.status });
  return data;
}

function element(tag, attributes, text) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  if (text !== undefined) el.textContent = text;
  return el;
}

function setConnection(state) {
  const el = document.querySelector('[data-testid="connection"]');
  el.dataset.state = state;
  el.textContent = state;
}

/** Renders a notification once, newest first; the page's own list and the socket may both bring it. */
function show(n) {
  if (shown.has(n.id)) return;
  shown.add(n.id);
  // Fault ui-drops-notification: the renderer has no case for this one type.
  if (n.type === config.dropType) return;
  const item = element('li', {
    'aria-label': `${n.type} ${n.id}`,
    'data-testid': 'notification',
    'data-notification-id': n.id,
    'data-notification-type': n.type,
    'data-request-id': n.requestId,
  });
  item.append(element('strong', {}, n.type), ` request ${n.requestId} `, element('time', { datetime: n.createdAt }, n.createdAt));
  $('notifications').prepend(item);
  const count = $('notifications').children.length;
  $('bell').setAttribute('aria-label', `Notifications: ${count}`);
  document.querySelector('[data-testid="notification-count"]').textContent = String(count);
}

function renderRequest(request) {
  const item = element('li', {
    'aria-label': `request ${request.title} ${request.status}`,
    'data-testid': 'request',
    'data-request-id': request.id,
    'data-status': request.status,
  });
  item.append(element('strong', {}, request.title), ` ${request.status} `);
  const offers = element('ul', { role: 'list', 'aria-label': `Offers on ${request.title}` });
  for (const offer of request.offers)
    offers.append(
      element(
        'li',
        {
          'aria-label': `offer ${offer.id} ${offer.status}`,
          'data-testid': 'offer',
          'data-offer-id': offer.id,
          'data-status': offer.status,
        },
        `offer ${offer.price} ${offer.status}`,
      ),
    );
  item.append(offers);
  return item;
}

/** One load at a time; a notification during a load asks for one more afterwards. */
function loadRequests(token) {
  if (requestsLoading) return (requestsLoading.again = true);
  requestsLoading = { again: false };
  const load = async () => {
    const { requests } = await api('/requests', { token });
    // GET /requests lists the newest first.
    const details = await Promise.all(requests.slice(0, REQUESTS_SHOWN).map((r) => api(`/requests/${r.id}`, { token })));
    if (token === session) $('requests').replaceChildren(...details.map(renderRequest));
  };
  load()
    .catch((err) => console.warn(`requests: ${err.message}`))
    .finally(() => {
      const again = requestsLoading.again;
      requestsLoading = undefined;
      if (again) loadRequests(token);
    });
}

async function loadNotifications(token) {
  const { notifications } = await api('/notifications', { token });
  if (token === session) for (const n of notifications) show(n);
}

function connect(token) {
  let connectedBefore = false;
  const reconnectLater = () => setTimeout(() => socket?.connect(), RETRY_MS);
  socket = io({ auth: (send) => send({ token, reconnect: connectedBefore }), transports: ['websocket'] });
  socket.on('connect', () => {
    connectedBefore = true;
    setConnection('connected');
    loadNotifications(token).catch((err) => console.warn(`notifications: ${err.message}`));
    loadRequests(token);
  });
  socket.on('notification', (n) => {
    show(n);
    loadRequests(token);
  });
  socket.on('disconnect', (reason) => {
    setConnection('disconnected');
    if (reason === 'io server disconnect') reconnectLater();
  });
  socket.on('connect_error', (err) => {
    if (err.message.startsWith('unauthorized')) return logout('your session is no longer valid: log in again');
    setConnection('reconnecting');
    if (!socket.active) reconnectLater();
  });
}

function logout(message = '') {
  const closing = socket;
  socket = session = undefined;
  closing?.disconnect();
  localStorage.removeItem(TOKEN_KEY);
  shown.clear();
  $('notifications').replaceChildren();
  $('requests').replaceChildren();
  $('app').hidden = true;
  $('login').hidden = false;
  document.querySelector('[data-testid="login-error"]').textContent = message;
}

async function start(token) {
  try {
    const me = await api('/me', { token });
    $('username').textContent = me.username;
    $('role').textContent = me.role;
  } catch (err) {
    return logout(err.status === 401 ? 'your session is no longer valid: log in again' : err.message);
  }
  session = token;
  localStorage.setItem(TOKEN_KEY, token);
  $('login').hidden = true;
  $('app').hidden = false;
  connect(token);
}

$('login').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  api('/auth/login', { body: { username: form.get('username'), password: form.get('password') } }).then(
    ({ token }) => start(token),
    (err) => (document.querySelector('[data-testid="login-error"]').textContent = err.message),
  );
});
$('logout').addEventListener('click', () => logout());
$('bell').addEventListener('click', () => {
  const open = $('notifications').hidden;
  $('notifications').hidden = !open;
  $('bell').setAttribute('aria-expanded', String(open));
});

const fromUrl = new URLSearchParams(location.hash.slice(1)).get('token');
if (fromUrl) history.replaceState(null, '', location.pathname + location.search);
const token = fromUrl ?? localStorage.getItem(TOKEN_KEY);
if (token) await start(token);
else logout();
