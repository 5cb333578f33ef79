// The whole client: a fetch wrapper and a few handlers. Credentials live in HttpOnly cookies the
// page never sees; it only learns whether a request was answered or refused.
const $ = (selector) => document.querySelector(selector);

// Calls where a 401 means "wrong credentials" or "already out", never "access token expired".
const NO_REFRESH = new Set(['/auth/login', '/auth/mfa/verify', '/auth/register', '/auth/token', '/auth/refresh', '/auth/logout']);
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
  $('#mfa-status').textContent = '';
  resetEnrolment();
  hideRecoveryCodes();
  backToPassword();
  say(message);
}

async function whoAmI() {
  const { user, transport, amr } = await api('/auth/me');
  $('#me').textContent = `${user.email} (roles: ${user.roles.join(', ') || 'none'}; via ${transport}; signed in with ${amr.join(' + ')})`;
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

async function loadMfaStatus() {
  const { enabled, recoveryCodesRemaining } = await api('/auth/mfa');
  $('#mfa-status').textContent = enabled
    ? `On: signing in asks for a code from your authenticator app. Recovery codes left: ${recoveryCodesRemaining}.`
    : 'Off: your password alone signs you in.';
  const enrolling = !$('#mfa-password-form').hidden || !$('#mfa-setup').hidden;
  $('#mfa-start').hidden = enabled || enrolling;
}

async function showSignedIn() {
  await whoAmI();
  await Promise.all([loadNotes(), loadDevices(), loadMfaStatus()]);
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

// Two-step sign-in: for an account with a second factor the password answers with a short-lived
// token instead of a session; the token and a code (or a recovery code) then make the session.
let mfaToken = null;

async function signIn() {
  const answer = await api('/auth/login', { method: 'POST', body: credentials() }).catch((error) => {
    throw error.status === 401 ? new Error('Wrong email or password') : error;
  });
  if (answer.mfaRequired) askForCode(answer.mfaToken);
  else await showSignedIn();
}

function askForCode(token) {
  mfaToken = token;
  useRecoveryCode(false);
  $('#sign-in-form').hidden = true;
  $('#code-form').hidden = false;
  $('#code').focus();
  say('Enter the code from your authenticator app.');
}

/** Shows one of the two code fields; the other is disabled so its `required` does not block the form. */
function useRecoveryCode(on) {
  $('#code-label').hidden = on;
  $('#code').disabled = on;
  $('#recovery-code-label').hidden = !on;
  $('#recovery-code').disabled = !on;
  $('#use-recovery-code').textContent = on ? 'Use the authenticator app' : 'Use a recovery code';
}

function backToPassword() {
  mfaToken = null;
  $('#code-form').reset();
  $('#code-form').hidden = true;
  $('#sign-in-form').hidden = false;
}

$('#sign-in-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run(signIn);
});

$('#register').addEventListener('click', () =>
  run(async () => {
    await api('/auth/register', { method: 'POST', body: credentials() });
    await signIn();
  }),
);

$('#code-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run(async () => {
    const recovery = !$('#recovery-code').disabled;
    const proof = recovery ? { recoveryCode: $('#recovery-code').value } : { code: $('#code').value.trim() };
    try {
      await api('/auth/mfa/verify', { method: 'POST', body: { mfaToken, ...proof } });
    } catch (error) {
      // The token expires after a few minutes and dies after five wrong codes: start over.
      if (error.code === 'INVALID_MFA_TOKEN') {
        backToPassword();
        throw new Error('The sign-in timed out or had too many wrong codes; enter your password again');
      }
      throw error.code === 'INVALID_MFA_CODE' ? new Error(recovery ? 'Wrong or already used recovery code' : 'Wrong code') : error;
    }
    backToPassword();
    await showSignedIn();
  });
});

$('#use-recovery-code').addEventListener('click', () => {
  useRecoveryCode($('#recovery-code').disabled);
  (!$('#recovery-code').disabled ? $('#recovery-code') : $('#code')).focus();
});

$('#cancel-code').addEventListener('click', () => {
  backToPassword();
  say('');
});

/** Draws `text` as a QR code, 4 px a module inside the 4-module quiet zone scanners expect. */
async function drawQrCode(canvas, text) {
  // Loaded on first use from this origin (the app serves the package from its node_modules).
  const { default: qrcode } = await import('/vendor/qrcode.mjs');
  const qr = qrcode(0, 'M'); // 0: the smallest version that holds the text
  qr.addData(text);
  qr.make();
  const cell = 4;
  const quiet = 4;
  const count = qr.getModuleCount();
  canvas.width = canvas.height = (count + 2 * quiet) * cell;
  const context = canvas.getContext('2d');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.fillStyle = '#000';
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (qr.isDark(row, col)) context.fillRect((col + quiet) * cell, (row + quiet) * cell, cell, cell);
    }
  }
}

/** Hides the enrolment forms and forgets the key they showed. */
function resetEnrolment() {
  $('#mfa-password-form').reset();
  $('#mfa-password-form').hidden = true;
  $('#mfa-confirm-form').reset();
  $('#mfa-setup').hidden = true;
  $('#mfa-secret').textContent = '';
  $('#mfa-qr').width = $('#mfa-qr').height = 0;
}

function hideRecoveryCodes() {
  $('#recovery-codes').replaceChildren();
  $('#mfa-recovery').hidden = true;
}

$('#mfa-start').addEventListener('click', () => {
  $('#mfa-start').hidden = true;
  $('#mfa-password-form').hidden = false;
  $('#mfa-password').focus();
});

$('#mfa-cancel').addEventListener('click', () => {
  resetEnrolment();
  run(loadMfaStatus);
});

$('#mfa-password-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run(async () => {
    const { secret, otpauthUrl } = await api('/auth/mfa/totp', { method: 'POST', body: { password: $('#mfa-password').value } }).catch((error) => {
      throw error.code === 'CURRENT_PASSWORD_INVALID' ? new Error('Wrong password') : error;
    });
    $('#mfa-password-form').reset();
    $('#mfa-password-form').hidden = true;
    await drawQrCode($('#mfa-qr'), otpauthUrl);
    $('#mfa-secret').textContent = secret;
    $('#mfa-setup').hidden = false;
    $('#mfa-code').focus();
    say('');
  });
});

$('#mfa-confirm-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run(async () => {
    const { recoveryCodes } = await api('/auth/mfa/totp/confirm', { method: 'POST', body: { code: $('#mfa-code').value.trim() } }).catch((error) => {
      throw error.code === 'INVALID_MFA_CODE' ? new Error('Wrong code: enter the one the app shows now') : error;
    });
    resetEnrolment();
    $('#recovery-codes').replaceChildren(...recoveryCodes.map((code) => Object.assign(document.createElement('li'), { textContent: code })));
    $('#mfa-recovery').hidden = false;
    // This session now counts as a two-factor one (and the user's other sessions have ended).
    await Promise.all([whoAmI(), loadMfaStatus(), loadDevices()]);
    say('Two-factor sign-in is on.');
  });
});

$('#mfa-recovery-done').addEventListener('click', hideRecoveryCodes);

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
