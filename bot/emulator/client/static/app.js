// The demo's page: choose a person, open their chats, write and press buttons as them.
// Everything they do goes to the emulator as Telegram updates; what the bot does comes back
// as server-sent events (/demo/events), so several tabs see the same world live.
"use strict";

const TEXTS = {
  ru: {
    title: "coordbot — демо", bot_date: "Сегодня у бота:", plus_day: "+1 день", go_to: "Перейти",
    people: "Люди", chats: "Чаты", replying: "Ответ на", message: "Сообщение",
    commands: "Команды бота", attach: "Прикрепить файл", send: "Отправить",
    read_only: "Писать в канал могут только его администраторы.",
    coordinator: "Координатор", staff: "Сотрудник института", mentor: "Наставник",
    admin: "Администратор", stranger: "Посторонний, без доступа",
    bot: "бот", group: "группа", forum: "группа с темами", channel: "канал",
    typing: "печатает…", upload_document: "отправляет файл…", upload_photo: "отправляет фото…",
    all_topics: "Все", general: "Общее", edited: "изменено", reply: "Ответить",
    refused: "Telegram отклонил вызов", flood: "Telegram просит подождать",
    past: "Часы демо идут только вперёд.", no_commands: "Бот не задал команд для этого чата",
    failed: "Не получилось", empty: "Сообщений пока нет",
  },
  en: {
    title: "coordbot demo", bot_date: "The bot's today:", plus_day: "+1 day", go_to: "Go",
    people: "People", chats: "Chats", replying: "Reply to", message: "Message",
    commands: "Bot commands", attach: "Attach a file", send: "Send",
    read_only: "Only the channel's admins can post here.",
    coordinator: "Coordinator", staff: "Institute staff", mentor: "Mentor",
    admin: "Administrator", stranger: "Stranger, no access yet",
    bot: "bot", group: "group", forum: "group with topics", channel: "channel",
    typing: "typing…", upload_document: "sending a file…", upload_photo: "sending a photo…",
    all_topics: "All", general: "General", edited: "edited", reply: "Reply",
    refused: "Telegram refused a call", flood: "Telegram asks to wait",
    past: "The demo's clock only goes forward.", no_commands: "The bot set no commands for this chat",
    failed: "It did not work", empty: "No messages yet",
  },
};

const state = {
  lang: localStorage.getItem("lang") || "ru",
  people: [], me: null, chats: [], chat: null, thread: "all", data: null,
  replyTo: null, seen: {}, clock: null, typingUntil: 0,
};
const $ = (id) => document.getElementById(id);
const t = (key) => TEXTS[state.lang][key] || TEXTS.ru[key] || key;

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "html") node.innerHTML = value; // only HTML the server rendered and escaped
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}

async function api(path, options) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

function debounce(fn, ms) {
  let timer = null;
  return () => { clearTimeout(timer); timer = setTimeout(fn, ms); };
}

// ------------------------------------------------------------------ language and clock

function applyLanguage() {
  document.documentElement.lang = state.lang;
  document.querySelectorAll("[data-t]").forEach((n) => { n.textContent = t(n.dataset.t); });
  document.querySelectorAll("[data-t-title]").forEach((n) => { n.title = t(n.dataset.tTitle); });
  document.querySelectorAll("[data-t-placeholder]").forEach((n) => { n.placeholder = t(n.dataset.tPlaceholder); });
  document.querySelectorAll("#langs button").forEach((b) => b.classList.toggle("active", b.dataset.lang === state.lang));
  renderClock(null);
}

function renderClock(clock) {
  if (clock) state.clock = { ...clock, fetched: Date.now() };
  $("clock").hidden = !state.clock;
  if (!state.clock) return;
  const now = new Date(state.clock.epoch * 1000 + Date.now() - state.clock.fetched);
  const label = now.toLocaleDateString(state.lang, { day: "numeric", month: "long", year: "numeric", weekday: "short", timeZone: zone() });
  $("clock-now").textContent = `${label}, ${hhmm(now)}`;
  if (clock) $("clock-date").value = clock.date;
}

function zone() {
  return (state.clock && state.clock.zone) || undefined;
}

function hhmm(date) {
  return date.toLocaleTimeString(state.lang, { hour: "2-digit", minute: "2-digit", timeZone: zone() });
}

function dayLabel(date) {
  return date.toLocaleDateString(state.lang, { day: "numeric", month: "long", year: "numeric", timeZone: zone() });
}

async function travel(date) {
  if (state.clock && date < state.clock.date) return toast(t("past"));
  try {
    const body = await api("/demo/clock", { method: "POST", body: JSON.stringify({ date }) });
    renderClock(body.clock);
  } catch (error) { toast(`${t("failed")}: ${error.message}`); }
}

function nextDay(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  return next.toISOString().slice(0, 10);
}

// ------------------------------------------------------------------ people and chats

async function loadPeople() {
  const body = await api("/demo/people");
  state.people = body.people;
  renderClock(body.clock);
  $("people-list").replaceChildren(...state.people.map((p) =>
    el("li", { "data-person": p.id, onclick: () => choosePerson(p.id) },
      p.name, el("span", { class: "sub" }, [t(p.role), p.about].filter(Boolean).join(" · ")))));
}

async function choosePerson(id, chatId) {
  state.me = id;
  document.querySelectorAll("#people li").forEach((li) => li.classList.toggle("active", Number(li.dataset.person) === id));
  state.seen = {};
  $("chat-list").replaceChildren();  // the last person's chats are not this one's to open
  await loadChats(true);
  await openChat(chatId && state.chats.some((c) => c.id === chatId) ? chatId : state.chats[0].id);
}

async function loadChats(markSeen = false) {
  if (state.me == null) return;
  state.chats = await api(`/demo/people/${state.me}/chats`);
  for (const chat of state.chats) if (markSeen || !(chat.id in state.seen)) state.seen[chat.id] = chat.count;
  $("chat-list").replaceChildren(...state.chats.map((c) => {
    const unread = c.id === state.chat ? 0 : c.count - (state.seen[c.id] || 0);
    return el("li", { "data-chat": c.id, class: c.id === state.chat ? "active" : "", onclick: () => openChat(c.id) },
      unread > 0 ? el("span", { class: "badge" }, String(unread)) : null,
      c.title, el("span", { class: "sub" }, c.last));
  }));
}

async function openChat(id) {
  state.chat = id;
  state.thread = "all";
  setReply(null);
  location.hash = `person=${state.me}&chat=${id}`;
  await loadChat(true);
  loadChats();
  $("text").focus();
}

async function loadChat(scroll = false) {
  if (state.chat == null) return;
  const data = await api(`/demo/chats/${state.chat}?as=${state.me}`);
  if (data.chat.id !== state.chat) return;
  state.data = data;
  state.seen[state.chat] = data.chat.count;
  renderChat(scroll);
}

// ------------------------------------------------------------------ the open chat

function renderChat(scroll) {
  const { chat, keyboard, can_write: canWrite } = state.data;
  const box = $("messages");
  const stick = scroll || box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  $("chat-title").textContent = chat.title;
  renderStatus();
  renderTopics(chat);
  // What sits below the messages first: the scroll to the newest one needs their final height.
  $("keyboard").replaceChildren(...(keyboard ? keyboard.rows : []).map((row) =>
    el("div", {}, ...row.map((text) => el("button", { type: "button", onclick: () => send(text) }, text)))));
  $("text").placeholder = (keyboard && keyboard.placeholder) || t("message");
  $("composer").hidden = !canWrite;
  $("read-only").hidden = canWrite;
  $("commands").hidden = true;
  renderMessages(stick);
}

function renderStatus() {
  const status = $("chat-status");
  const typing = Date.now() < state.typingUntil;
  status.classList.toggle("typing", typing);
  if (typing) return;
  const chat = state.data.chat;
  status.textContent = chat.type === "private" ? t("bot") : chat.type === "channel" ? t("channel") : chat.forum ? t("forum") : t("group");
}

function renderTopics(chat) {
  $("topics").hidden = !chat.forum;
  if (!chat.forum) return;
  const choices = [["all", t("all_topics")], ["general", t("general")], ...chat.topics.map((tp) => [String(tp.id), tp.name])];
  $("topics").replaceChildren(...choices.map(([key, name]) =>
    el("button", { type: "button", class: state.thread === key ? "active" : "", onclick: () => { state.thread = key; renderChat(true); } }, name)));
}

function inThread(message) {
  if (state.thread === "all") return true;
  if (state.thread === "general") return message.thread == null;
  return String(message.thread) === state.thread;
}

function topicName(id) {
  const topic = state.data.chat.topics.find((tp) => tp.id === id);
  return topic ? topic.name : null;
}

function renderMessages(stick) {
  const box = $("messages");
  const nodes = [];
  let lastDay = null;
  const list = state.data.messages.filter(inThread);
  for (let i = 0; i < list.length; i++) {
    const group = [list[i]];
    while (list[i].album && list[i + 1] && list[i + 1].album === list[i].album) group.push(list[++i]);
    const day = dayLabel(new Date(group[0].date * 1000));
    if (day !== lastDay) nodes.push(el("div", { class: "day" }, day));
    lastDay = day;
    nodes.push(messageNode(group));
  }
  if (!nodes.length) nodes.push(el("div", { class: "day" }, t("empty")));
  box.replaceChildren(...nodes);
  if (!stick) return;
  box.scrollTop = box.scrollHeight;
  for (const img of box.querySelectorAll("img")) { // a photo's height is known once it loads
    if (!img.complete) img.addEventListener("load", () => { box.scrollTop = box.scrollHeight; }, { once: true });
  }
}

function messageNode(group) {
  const first = group[0];
  const own = !first.from_bot && first.sender_id === state.me;
  const chat = state.data.chat;
  const bubble = el("div", { class: "msg", "data-id": first.id });
  if (chat.type !== "private" && !own) bubble.append(el("div", { class: "sender" }, first.sender));
  if (state.thread === "all" && first.thread != null && topicName(first.thread)) {
    bubble.append(el("div", { class: "topic-tag" }, `# ${topicName(first.thread)}`));
  }
  if (first.reply_to) {
    bubble.append(el("div", { class: "quote", onclick: () => flash(first.reply_to.id) },
      el("b", {}, first.reply_to.sender), " ", first.reply_to.snippet));
  }
  const files = group.flatMap((m) => m.files);
  if (files.length) bubble.append(el("div", { class: "files" }, ...files.map(fileNode)));
  for (const m of group) {
    if (m.html) bubble.append(el("div", { class: "text", html: m.html }));
    if (m.caption) bubble.append(el("div", { class: "text", html: m.caption }));
  }
  const time = hhmm(new Date(first.date * 1000));
  bubble.append(el("div", { class: "meta" },
    group.some((m) => m.edited) ? `${t("edited")} · ` : "", time,
    el("button", { type: "button", title: t("reply"), class: "reply", onclick: () => setReply(first) }, "↩")));
  const row = el("div", { class: own ? "row out" : "row", id: `m${first.id}` }, bubble);
  if (first.buttons.length) row.append(keyboardNode(first));
  return row;
}

function fileNode(file) {
  if (file.kind === "photo") {
    return el("a", { href: file.url, target: "_blank", title: file.name }, el("img", { src: file.url, alt: file.name }));
  }
  const size = file.size < 1024 ? `${file.size} B` : `${(file.size / 1024).toFixed(1)} KB`;
  return el("a", { class: "doc", href: file.url, download: file.name },
    el("span", { class: "icon" }, "📄"), el("span", {}, file.name, el("small", {}, size)));
}

function keyboardNode(message) {
  return el("div", { class: "inline-kb" }, ...message.buttons.map((row) => el("div", {}, ...row.map((b) =>
    el("button", { type: "button", class: b.url ? "url" : "", onclick: (e) => press(message, b, e.currentTarget) }, b.text)))));
}

function flash(id) {
  const node = $(`m${id}`);
  if (!node) return;
  node.scrollIntoView({ block: "center" });
  node.firstChild.classList.add("flash");
  setTimeout(() => node.firstChild.classList.remove("flash"), 1200);
}

// ------------------------------------------------------------------ acting

async function press(message, button, node) {
  if (button.url) return window.open(button.url, "_blank", "noopener");
  node.classList.add("pending");
  const body = { as: state.me, chat_id: state.chat, message_id: message.id, data: button.data };
  try { await api("/demo/press", { method: "POST", body: JSON.stringify(body) }); }
  catch (error) { node.classList.remove("pending"); toast(`${t("failed")}: ${error.message}`); }
}

async function send(text) {
  const form = new FormData();
  form.set("as", state.me);
  form.set("chat_id", state.chat);
  form.set("text", text);
  if (state.replyTo) form.set("reply_to", state.replyTo.id);
  if (!["all", "general"].includes(state.thread)) form.set("thread", state.thread);
  const file = $("file").files[0];
  if (file) form.set("file", file, file.name);
  try {
    await api("/demo/send", { method: "POST", body: form });
    setReply(null);
    clearFile();
    $("commands").hidden = true;
  } catch (error) { toast(`${t("failed")}: ${error.message}`); }
}

function setReply(message) {
  state.replyTo = message;
  $("reply-bar").hidden = !message;
  if (message) {
    $("reply-snippet").textContent = `${message.sender}: ${(message.html ? htmlText(message.html) : message.files.map((f) => f.name).join(", ")).slice(0, 80)}`;
    $("text").focus();
  }
}

function htmlText(html) {
  return el("div", { html }).textContent;
}

function clearFile() {
  $("file").value = "";
  $("file-chip").hidden = true;
}

function toggleCommands(filter = "") {
  const commands = (state.data && state.data.commands) || [];
  const shown = commands.filter((c) => `/${c.command}`.startsWith(filter || "/"));
  $("commands").replaceChildren(...(shown.length ? shown.map((c) =>
    el("li", { onclick: () => { $("text").value = ""; send(`/${c.command}`); } }, el("b", {}, `/${c.command}`), c.description))
    : [el("li", {}, t("no_commands"))]));
}

// ------------------------------------------------------------------ live events

function toast(text) {
  const node = el("div", { class: "toast" }, text);
  $("toasts").append(node);
  setTimeout(() => node.remove(), 3500);
}

function notice(kind, title, event) {
  const node = el("div", { class: `notice ${kind}`, role: "alert" },
    el("b", {}, `${title}: ${event.method}`), el("code", {}, event.description || ""),
    el("button", { type: "button", onclick: () => node.remove(), "aria-label": "×" }, "×"));
  $("notices").prepend(node);
  while ($("notices").children.length > 5) $("notices").lastChild.remove();
  if (kind === "flood") setTimeout(() => node.remove(), 4000); // the bot waits and sends: no defect
}

const reloadChat = debounce(() => loadChat(), 60);
const reloadChats = debounce(() => loadChats(), 150);

function onEvent(event) {
  if (event.type === "chat") {
    if (event.chat_id === state.chat) reloadChat();
    reloadChats();
  } else if (event.type === "typing" && event.chat_id === state.chat) {
    state.typingUntil = Date.now() + 5000;
    $("chat-status").textContent = t(event.action) || t("typing");
    renderStatus();
    setTimeout(() => state.data && renderStatus(), 5100);
  } else if (event.type === "answer" && event.user_id === state.me) {
    if (event.alert) { $("alert-text").textContent = event.text; $("alert").showModal(); }
    else toast(event.text);
  } else if (event.type === "refused") {
    notice("refused", t("refused"), event);
  } else if (event.type === "flood") {
    notice("flood", t("flood"), event);
  } else if (event.type === "clock") {
    renderClock(event.clock);
  } else if (event.type === "commands") {
    reloadChat();
  }
}

// ------------------------------------------------------------------ start

function wire() {
  document.querySelectorAll("#langs button").forEach((b) => b.addEventListener("click", () => {
    state.lang = b.dataset.lang;
    localStorage.setItem("lang", state.lang);
    applyLanguage();
    loadPeople().then(() => choosePerson(state.me, state.chat));
  }));
  $("plus-day").addEventListener("click", () => state.clock && travel(nextDay(state.clock.date)));
  $("clock-go").addEventListener("click", () => $("clock-date").value && travel($("clock-date").value));
  $("reply-cancel").addEventListener("click", () => setReply(null));
  $("file-clear").addEventListener("click", clearFile);
  $("file").addEventListener("change", () => {
    const file = $("file").files[0];
    $("file-chip").hidden = !file;
    $("file-name").textContent = file ? file.name : "";
  });
  $("commands-button").addEventListener("click", () => { toggleCommands(); $("commands").hidden = !$("commands").hidden; });
  const text = $("text");
  text.addEventListener("input", () => {
    const value = text.value;
    $("commands").hidden = !(value.startsWith("/") && !value.includes(" "));
    if (!$("commands").hidden) toggleCommands(value);
  });
  text.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("composer").requestSubmit(); }
  });
  $("composer").addEventListener("submit", (e) => {
    e.preventDefault();
    const value = text.value.trim();
    if (!value && !$("file").files[0]) return;
    text.value = "";
    send(value);
  });
  $("messages").addEventListener("click", (e) => {
    const spoiler = e.target.closest(".spoiler");
    if (spoiler) { spoiler.classList.add("revealed"); return; }
    const quote = e.target.closest("blockquote.expandable");
    if (quote) quote.classList.toggle("open");
    const command = e.target.closest("a.command");
    if (command) { e.preventDefault(); send(command.dataset.command); }
  });
  new EventSource("/demo/events").onmessage = (e) => onEvent(JSON.parse(e.data));
}

async function start() {
  wire();
  setInterval(() => renderClock(null), 20000);
  applyLanguage();
  await loadPeople();
  const wanted = new URLSearchParams(location.hash.slice(1));
  const person = Number(wanted.get("person")) || (state.people[0] && state.people[0].id);
  await choosePerson(person, Number(wanted.get("chat")) || null);
}

start();
