// The whole client: a fetch wrapper and a few handlers. Credentials live in HttpOnly cookies the
// page never sees; it only learns whether a request was answered or refused.
const $ = (selector) => document.querySelector(selector);

// Calls where a 401 means "wrong credentials" or "already out", never "access token expired".
const NO_REFRESH = new Set(['/auth/login', '/auth/register', '/auth/token', '/auth/refresh', '/auth/logout']);
let refreshing = null;
// Database sessions have no refresh token (400 UNSUPPORTED_GRANT, or no such route): stop asking after the first try.
let canRefresh = true;

class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.code;
  }
}

function send(path, method, body) {
  return fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** One refresh at a time: concurrent 401s wait for the same attempt (refresh tokens rotate). */
function refresh() {
  if (!canRefresh) return Promise.resolve(false);
  refreshing ??= send('/auth/refresh', 'POST')
    .then(async (res) => {
      if (res.status === 404 || (res.status === 400 && (await res.json().catch(() => null))?.code === 'UNSUPPORTED_GRANT')) canRefresh = false;
      return res.ok;
    })
    .finally(() => (refreshing = null));
  return refreshing;
}

async function api(path, { method = 'GET', body } = {}) {
  let res = await send(path, method, body);
  // JWT sessions: the short-lived access cookie expired; the refresh cookie gets a new one, once.
  if (res.status === 401 && !NO_REFRESH.has(path) && (await refresh())) res = await send(path, method, body);
  if (res.status === 401 && !NO_REFRESH.has(path)) showSignedOut('You are signed out.');
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

function say(message) {
  $('#status').textContent = message;
}

function showSignedOut(message) {
  $('#signed-in').hidden = true;
  $('#signed-out').hidden = false;
  $('#me').textContent = '';
  $('#notes').replaceChildren();
  $('#devices').replaceChildren();
  say(message);
}

async function whoAmI() {
  const { user, transport } = await api('/auth/me');
  $('#me').textContent = `${user.email} (roles: ${user.roles.join(', ') || 'none'}; via ${transport})`;
  $('#signed-out').hidden = true;
  $('#signed-in').hidden = false;
}

async function loadNotes() {
  const { items } = await api('/notes');
  $('#notes').replaceChildren(...items.map((note) => Object.assign(document.createElement('li'), { textContent: note.text })));
}

async function loadDevices() {
  const { items } = await api('/auth/sessions');
  $('#devices').replaceChildren(
    ...items.map((session) => {
      const li = document.createElement('li');
      li.dataset.id = session.id;
      li.textContent = `${session.current ? 'this device' : (session.userAgent ?? 'unknown client')}, last seen ${session.lastSeenAt} `;
      const revoke = Object.assign(document.createElement('button'), { type: 'button', className: 'revoke', textContent: 'Revoke' });
      revoke.addEventListener('click', () =>
        run(async () => {
          await api(`/auth/sessions/${session.id}`, { method: 'DELETE' });
          if (session.current) showSignedOut('This device was signed out.');
          else await loadDevices();
        }),
      );
      li.append(revoke);
      return li;
    }),
  );
}

async function showSignedIn() {
  await whoAmI();
  await Promise.all([loadNotes(), loadDevices()]);
  say('');
}

/** Runs a handler and reports its failure; a 401 has already switched to the signed-out view. */
async function run(action) {
  try {
    await action();
  } catch (error) {
    if (error.status !== 401) say(`Error: ${error.message}`);
  }
}

function credentials() {
  return { email: $('#email').value, password: $('#password').value };
}

$('#sign-in-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run(async () => {
    await api('/auth/login', { method: 'POST', body: credentials() }).catch((error) => {
      throw error.status === 401 ? new Error('Wrong email or password') : error;
    });
    await showSignedIn();
  });
});

$('#register').addEventListener('click', () =>
  run(async () => {
    await api('/auth/register', { method: 'POST', body: credentials() });
    await api('/auth/login', { method: 'POST', body: credentials() });
    await showSignedIn();
  }),
);

$('#whoami').addEventListener('click', () => run(whoAmI));
$('#reload-notes').addEventListener('click', () => run(loadNotes));
$('#reload-devices').addEventListener('click', () => run(loadDevices));

$('#note-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run(async () => {
    await api('/notes', { method: 'POST', body: { text: $('#note-text').value } });
    $('#note-text').value = '';
    await loadNotes();
  });
});

$('#sign-out').addEventListener('click', () =>
  run(async () => {
    await api('/auth/logout', { method: 'POST' });
    showSignedOut('Signed out.');
  }),
);

$('#sign-out-all').addEventListener('click', () =>
  run(async () => {
    await api('/auth/logout-all', { method: 'POST' });
    showSignedOut('Signed out on every device.');
  }),
);

// A signed-in visitor (say, a second tab) sees their data at once.
run(() => showSignedIn().catch((error) => showSignedOut(error.status === 401 ? '' : `Error: ${error.message}`)));
