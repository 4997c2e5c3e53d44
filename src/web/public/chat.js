// The SIPUT web chat page. Plain browser JavaScript, no build step: the server sends texts already
// in the conversation's language; this file only labels its own controls.

const LABELS = {
  id: {
    subtitle: 'Saran, keluhan, dan dokumen tata laksana',
    connecting: 'Menyambung…',
    connected: 'Tersambung',
    reconnecting: 'Koneksi terputus, menyambung ulang…',
    reset: 'Percakapan baru',
    resetConfirm: 'Mulai percakapan baru? Percakapan ini tetap tersimpan, tetapi tidak tampil lagi di sini.',
    conversation: 'Percakapan',
    messageLabel: 'Pesan',
    placeholder: 'Tulis pesan…',
    send: 'Kirim pesan',
    attach: 'Lampirkan foto atau dokumen',
    removeAttachment: 'Hapus lampiran',
    uploading: 'Mengunggah {name}…',
    attached: 'Lampiran: {name}',
    hint: 'Enter untuk mengirim, Shift+Enter untuk baris baru.',
    welcome: 'Menyiapkan menu…',
    you: 'Anda',
    service: 'SIPUT',
    choices: 'Pilihan',
    download: 'Unduh {name}',
    failed: 'Belum terkirim.',
    retry: 'Kirim ulang',
    empty: 'Tulis pesan atau lampirkan berkas terlebih dahulu.',
    tooLarge: 'Berkas terlalu besar: paling besar 10 MB.',
    network: 'Tidak dapat menghubungi server. Periksa koneksi Anda lalu coba lagi.',
  },
  en: {
    subtitle: 'Suggestions, complaints and procedure documents',
    connecting: 'Connecting…',
    connected: 'Connected',
    reconnecting: 'Connection lost, reconnecting…',
    reset: 'New conversation',
    resetConfirm: 'Start a new conversation? This one stays on record but will no longer show here.',
    conversation: 'Conversation',
    messageLabel: 'Message',
    placeholder: 'Write a message…',
    send: 'Send message',
    attach: 'Attach a photo or document',
    removeAttachment: 'Remove attachment',
    uploading: 'Uploading {name}…',
    attached: 'Attachment: {name}',
    hint: 'Enter to send, Shift+Enter for a new line.',
    welcome: 'Preparing the menu…',
    you: 'You',
    service: 'SIPUT',
    choices: 'Choices',
    download: 'Download {name}',
    failed: 'Not sent.',
    retry: 'Send again',
    empty: 'Write a message or attach a file first.',
    tooLarge: 'The file is too large: at most 10 MB.',
    network: 'Cannot reach the server. Check your connection and try again.',
  },
};

const MAX_FILE_BYTES = 10 * 1024 * 1024;

const $ = (id) => document.getElementById(id);
const list = $('messages');
const form = $('composer');
const textBox = $('text');
const attachButton = $('attach');
const fileInput = $('file');
const pendingBox = $('pending');
const pendingName = $('pending-name');
const notice = $('notice');
const connection = $('connection');
const connectionState = $('connection-state');

let language = 'id';
let attachment = null; // {id, name} once uploaded
let uploading = null; // the upload in progress: a message sent meanwhile waits for it
let waitingForUpload = false;
let source = null;

const label = (key, params = {}) =>
  (LABELS[language][key] ?? LABELS.id[key]).replace(/\{(\w+)\}/g, (_, name) => params[name] ?? '');

function setLanguage(next) {
  if (!LABELS[next] || next === language) return;
  language = next;
  applyLabels();
}

function applyLabels() {
  document.documentElement.lang = language;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = label(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-placeholder]'))
    el.placeholder = label(el.dataset.i18nPlaceholder);
  for (const el of document.querySelectorAll('[data-i18n-aria-label]')) {
    el.setAttribute('aria-label', label(el.dataset.i18nAriaLabel));
  }
  for (const el of document.querySelectorAll('[data-i18n-title]')) el.title = label(el.dataset.i18nTitle);
  connectionState.textContent = label(connection.dataset.state);
  const note = list.querySelector('.note');
  if (note) note.textContent = label('welcome');
}

function showNotice(text) {
  notice.textContent = text;
  notice.hidden = !text;
}

// crypto.randomUUID exists only on https and localhost; a unit may first try the page over plain http.
function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// --- rendering -----------------------------------------------------------------------------

/**
 * Text with its web addresses as links and its ticket numbers marked; built from nodes, so nothing
 * the server sends is parsed as HTML.
 */
function richText(text) {
  const p = document.createElement('p');
  p.className = 'text';
  const url = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'’”]/g;
  let last = 0;
  for (const match of text.matchAll(url)) {
    p.append(...withTickets(text.slice(last, match.index)));
    const a = document.createElement('a');
    a.href = match[0];
    a.textContent = match[0];
    a.rel = 'noopener';
    a.target = '_blank';
    p.append(a);
    last = match.index + match[0].length;
  }
  p.append(...withTickets(text.slice(last)));
  return p;
}

/** Ticket numbers (SMS-2026-000123) stand out and never break at their hyphens. */
function withTickets(text) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(/\b[A-Z]{2,6}-\d{4}-\d{6}\b/g)) {
    parts.push(text.slice(last, match.index));
    const strong = document.createElement('strong');
    strong.className = 'ticket';
    strong.textContent = match[0];
    parts.push(strong);
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

function timeOf(at) {
  const time = document.createElement('time');
  const date = new Date(at);
  time.dateTime = date.toISOString();
  time.textContent = date.toLocaleTimeString(language === 'en' ? 'en-GB' : 'id-ID', {
    hour: '2-digit',
    minute: '2-digit',
  });
  return time;
}

function sender(who) {
  const span = document.createElement('span');
  span.className = 'visually-hidden';
  span.textContent = `${label(who)}: `;
  return span;
}

function bubble(kind, at) {
  const li = document.createElement('li');
  li.className = `msg msg-${kind}`;
  li.dataset.at = String(new Date(at).getTime());
  li.append(sender(kind === 'in' ? 'you' : 'service'));
  return li;
}

/** Puts an item where its time belongs, so a reloaded history and live messages interleave right. */
function place(li) {
  list.querySelector('.note')?.remove();
  const at = Number(li.dataset.at);
  const after = [...list.children].find((el) => Number(el.dataset.at) > at);
  list.insertBefore(li, after ?? null);
}

function renderOut(m, at) {
  if (list.querySelector(`[data-id="${CSS.escape(m.id)}"]`)) return;
  const li = bubble('out', at);
  li.dataset.id = m.id;
  if (m.text) li.append(richText(m.text));
  if (m.document) {
    const a = document.createElement('a');
    a.className = 'document';
    a.href = m.document.url;
    a.textContent = `⬇ ${label('download', { name: m.document.name })}`;
    li.append(a);
  }
  if (m.choices?.length) li.append(keyboard(m.choices));
  li.append(timeOf(at));
  place(li);
}

function keyboard(choices) {
  const group = document.createElement('div');
  group.className = 'choices';
  group.setAttribute('role', 'group');
  group.setAttribute('aria-label', label('choices'));
  for (const c of choices) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = c.label;
    button.dataset.value = c.value;
    button.addEventListener('click', () => choose(group, button, c));
    group.append(button);
  }
  return group;
}

function renderIn(item) {
  if (list.querySelector(`[data-key="${CSS.escape(item.key)}"]`)) return null;
  const li = bubble('in', item.at);
  li.dataset.key = item.key;
  const text = item.choice?.label ?? item.text;
  if (text) li.append(richText(text));
  if (item.attachment) {
    const p = document.createElement('p');
    p.className = 'attachment';
    p.textContent = `📎 ${item.attachment.name}`;
    li.append(p);
  }
  li.append(timeOf(item.at));
  place(li);
  return li;
}

/** A keyboard offered before the person's latest message has been answered or passed over. */
function closeAnsweredKeyboards() {
  const items = [...list.children];
  const lastIn = items.findLastIndex((el) => el.classList.contains('msg-in'));
  for (const el of items.slice(0, Math.max(lastIn, 0))) {
    for (const group of el.querySelectorAll('.choices')) group.classList.add('answered');
    for (const b of el.querySelectorAll('.choices button')) b.disabled = true;
  }
}

function scrollToEnd() {
  list.scrollTop = list.scrollHeight;
}

function showWelcomeIfEmpty() {
  if (list.children.length > 0) return;
  const li = document.createElement('li');
  li.className = 'note';
  li.textContent = label('welcome');
  list.append(li);
}

// --- talking to the server -----------------------------------------------------------------

async function loadHistory() {
  try {
    const res = await fetch('/chat/api/history', { credentials: 'same-origin', cache: 'no-store' });
    if (!res.ok) return;
    const body = await res.json();
    setLanguage(body.language);
    for (const item of body.items) {
      if (item.kind === 'out') renderOut(item, item.at);
      else renderIn(item);
    }
    closeAnsweredKeyboards();
    showWelcomeIfEmpty();
    scrollToEnd();
    if (body.items.length === 0) await greet();
  } catch {
    // The event stream's reconnect brings another attempt.
  }
}

/** A chat with nothing in it yet asks for the welcome menu, so its buttons show before anyone types. */
async function greet() {
  const res = await fetch('/chat/api/start', { method: 'POST', credentials: 'same-origin' });
  const body = await res.json().catch(() => ({}));
  if (res.ok) setLanguage(body.language);
  else if (body.message) showNotice(body.message);
}

function connect() {
  source?.close();
  source = new EventSource('/chat/api/events');
  setConnection('connecting');
  // Every (re)connection reloads the history: whatever was sent while the page was away shows up.
  source.addEventListener('open', () => {
    setConnection('connected');
    void loadHistory();
  });
  source.addEventListener('message', (event) => {
    renderOut(JSON.parse(event.data), Date.now());
    scrollToEnd();
  });
  source.addEventListener('resync', () => void loadHistory());
  source.addEventListener('error', () => setConnection('reconnecting'));
}

function setConnection(state) {
  connection.dataset.state = state;
  connectionState.textContent = label(state);
}

/**
 * Sends one message: 'sent', 'failed' (the bubble keeps a retry that reuses the same id, so the
 * message counts once however often it is tried) or 'refused' (the server will not take it as is).
 */
async function post(key, payload, li) {
  li.classList.add('sending');
  li.classList.remove('failed');
  li.querySelector('.failure')?.remove();
  let res;
  try {
    res = await fetch('/chat/api/send', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: key, ...payload }),
    });
  } catch {
    return failed(li, label('network'), () => post(key, payload, li));
  }
  const body = await res.json().catch(() => ({}));
  li.classList.remove('sending');
  if (res.ok) {
    setLanguage(body.language);
    showNotice('');
    return 'sent';
  }
  if (res.status >= 500) return failed(li, body.message ?? label('network'), () => post(key, payload, li));
  // Refused as written (too long, a stale file): the words go back into the box to be fixed.
  li.remove();
  showWelcomeIfEmpty();
  if (payload.text) textBox.value = payload.text;
  showNotice(body.message ?? label('network'));
  textBox.focus();
  return 'refused';
}

function failed(li, message, retry) {
  li.classList.remove('sending');
  li.classList.add('failed');
  const p = document.createElement('p');
  p.className = 'failure';
  p.textContent = `${label('failed')} ${message}`;
  const again = document.createElement('button');
  again.type = 'button';
  again.className = 'retry';
  again.textContent = label('retry');
  again.addEventListener('click', () => void retry());
  p.append(again);
  li.insertBefore(p, li.querySelector('time'));
  return 'failed';
}

function sendMessage(payload, shown) {
  const key = newId();
  const li = renderIn({ key, at: new Date().toISOString(), ...shown });
  closeAnsweredKeyboards();
  scrollToEnd();
  return post(key, payload, li);
}

async function choose(group, pressed, choice) {
  for (const b of group.querySelectorAll('button')) b.disabled = true;
  pressed.setAttribute('aria-pressed', 'true');
  textBox.focus();
  if ((await sendMessage({ choice: choice.value }, { choice })) === 'refused') {
    for (const b of group.querySelectorAll('button')) b.disabled = false;
    pressed.removeAttribute('aria-pressed');
  }
}

async function submit() {
  if (uploading) {
    if (waitingForUpload) return;
    waitingForUpload = true;
    await uploading;
    waitingForUpload = false;
  }
  const text = textBox.value.trim();
  if (!text && !attachment) {
    showNotice(label('empty'));
    textBox.focus();
    return;
  }
  const payload = {};
  if (text) payload.text = text;
  if (attachment) payload.attachmentId = attachment.id;
  const shown = { text, ...(attachment ? { attachment: { name: attachment.name } } : {}) };
  textBox.value = '';
  fitTextBox();
  clearAttachment();
  void sendMessage(payload, shown);
  textBox.focus();
}

async function upload(file) {
  if (file.size > MAX_FILE_BYTES) {
    showNotice(label('tooLarge'));
    return;
  }
  uploading = store(file);
  await uploading;
  uploading = null;
}

async function store(file) {
  attachButton.disabled = true;
  pendingBox.hidden = false;
  pendingName.textContent = label('uploading', { name: file.name });
  const data = new FormData();
  data.append('file', file, file.name);
  try {
    const res = await fetch('/chat/api/upload', { method: 'POST', credentials: 'same-origin', body: data });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) {
      clearAttachment();
      showNotice(body.message ?? label('network'));
      return;
    }
    attachment = { id: body.id, name: body.name };
    pendingName.textContent = label('attached', { name: body.name });
    showNotice('');
  } catch {
    clearAttachment();
    showNotice(label('network'));
  } finally {
    attachButton.disabled = false;
    fileInput.value = '';
    textBox.focus();
  }
}

function clearAttachment() {
  attachment = null;
  pendingBox.hidden = true;
  pendingName.textContent = '';
}

function fitTextBox() {
  textBox.style.height = 'auto';
  textBox.style.height = `${textBox.scrollHeight + 2}px`;
}

async function reset() {
  if (!window.confirm(label('resetConfirm'))) return;
  const res = await fetch('/chat/api/reset', { method: 'POST', credentials: 'same-origin' }).catch(() => null);
  if (!res?.ok) {
    showNotice(label('network'));
    return;
  }
  list.replaceChildren();
  clearAttachment();
  showNotice('');
  connect();
  textBox.focus();
}

// --- wiring ----------------------------------------------------------------------------------

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void submit();
});
textBox.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    void submit();
  }
});
textBox.addEventListener('input', fitTextBox);
attachButton.addEventListener('click', () => fileInput.click());
fileInput.addEventListener('change', () => {
  const file = fileInput.files?.[0];
  if (file) void upload(file);
});
$('pending-remove').addEventListener('click', () => {
  clearAttachment();
  textBox.focus();
});
$('reset').addEventListener('click', () => void reset());

applyLabels();
void loadHistory();
connect();
textBox.focus();
