// The crash test: concurrent merchant clients pay, capture, release and refund through the
// reference server while the server is killed with SIGKILL at random moments and restarted at
// once on the same port and database. The sandbox runs as a process of its own and lives on.
// Some proceeds and confirms reach the provider only after the server has closed their payment
// on its own clock ("never arrived"); the shopper has paid again meanwhile, then approves the
// first one too. When the load is over and reconcile has settled what was in flight, the
// server's records are checked against what the clients were told and against what the sandbox
// holds: nothing acknowledged may be lost, nothing charged twice, every payment must stand as its
// provider intent does, every late success ends paid with its event, and no order keeps two
// payments unless the merchant was told.
//
// With CRASH_SERVERS above 1, several servers share one PostgreSQL database (a throwaway cluster
// of the test's own) behind HAProxy, which sends each request to a server its `/readyz` check
// finds ready; a server at random is killed and restarted each time. The clients then also send
// some creates under one key to two servers at once, and the run ends by asking for more
// prompts to one phone than its allowance, spread over every server. On top of the checks
// above: every merchant event stored is delivered, under its one id, to the merchant's
// endpoint (a receiver of the test's own), and no phone is prompted past its limit.
//
// `scripts/crash-test` builds the binaries, then runs this. Settings, from the environment:
//
//   CRASH_SERVERS (1)             servers; above 1, on PostgreSQL behind HAProxy
//   CRASH_DATABASE (sqlite)       `postgres` for one server on PostgreSQL (always so for several)
//
//   CRASH_KILLS (20)              kills of the server, each followed by a restart
//   CRASH_PAYMENTS (300)          client journeys at least (each pays once, then may capture,
//                                 release or refund); the load goes on until every kill is done
//   CRASH_CLIENTS (12)            journeys at a time
//   CRASH_KILL_MIN_MS (250), CRASH_KILL_MAX_MS (1500)   the wait before each kill, drawn at random
//   CRASH_SETTLE_TIMEOUT_MS (60000)   how long reconcile may take to settle everything at the end
//   CRASH_SEED (random)           seed of the journeys' and the kills' random draws
//   CRASH_FAULTS                  the sandbox's SANDBOX_FAULTS (default: some requests held just
//                                 before or just after the provider does the work, so that kills
//                                 land in those windows; `none` for none)
//   CRASH_RESULTS                 a directory (the file is crash-results-YYYY-MM-DD.md) or a .md
//                                 file to write the summary to; none by default
//   CRASH_KEEP=1                  keep the temporary folder (database, logs) even when all passed
//   CRASH_BIN (target/release)    where the checkout-server and checkout-sandbox binaries are
//   RECONCILE_INTERVAL_MS, UNKNOWN_OUTCOME_GRACE_MS, SANDBOX_SETTLE_DELAY_MS, …   the server's
//                                 and the sandbox's timings (short ones by default, see below)
//
// Exits 1 when anything was lost, duplicated or mismatched (or a client got an answer the
// contract does not allow), 2 when the test itself could not run.

import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------------------------------------
// Settings

function whole(name, fallback, minimum = 0) {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < minimum) {
    console.error(`${name}: \`${raw}\` is not a whole number of at least ${minimum}`);
    process.exit(2);
  }
  return value;
}

// How late a `late` proceed or confirm reaches the provider: past the server's grace, so that
// the server has closed the payment by then.
const LATE_MS = 6000;

// Provider answers held back 100 ms after the work is done (40% of the calls): a kill in that
// window finds the provider ahead of the server's records. And requests held 100 ms before the
// provider does the work (a fifth of the others): a kill then may leave it never done.
const DEFAULT_FAULTS = [
  'yassir.create',
  'yassir.proceed',
  'yassir.capture',
  'yassir.release',
  'yassir.refund',
  'yabetoo.create',
  'yabetoo.confirm',
]
  .flatMap((operation) => [`${operation}=latency:100@after%0.4`, `${operation}=latency:100@before%0.2`])
  // And some proceeds and confirms answered 503 at once but done later, once the server has
  // closed their payment on its own clock: late successes.
  .concat(['yassir.proceed', 'yabetoo.confirm'].map((operation) => `${operation}=late:${LATE_MS}@before%0.1`))
  .join(',');

const settings = {
  kills: whole('CRASH_KILLS', 20),
  payments: whole('CRASH_PAYMENTS', 300, 1),
  clients: whole('CRASH_CLIENTS', 12, 1),
  killMinMs: whole('CRASH_KILL_MIN_MS', 250),
  killMaxMs: whole('CRASH_KILL_MAX_MS', 1500),
  settleTimeoutMs: whole('CRASH_SETTLE_TIMEOUT_MS', 60_000),
  seed: whole('CRASH_SEED', Math.floor(Math.random() * 2 ** 31)),
  faults: process.env.CRASH_FAULTS === 'none' ? '' : process.env.CRASH_FAULTS || DEFAULT_FAULTS,
  bin: path.resolve(root, process.env.CRASH_BIN || 'target/release'),
  results: process.env.CRASH_RESULTS || '',
  keep: process.env.CRASH_KEEP === '1',
  servers: whole('CRASH_SERVERS', 1, 1),
};
settings.database = settings.servers > 1 || process.env.CRASH_DATABASE === 'postgres' ? 'postgres' : 'sqlite';
// The prompts one phone may have per hour in the last phase (several servers): far fewer than
// the phase asks for.
const PHONE_LIMIT = 3;
if (settings.killMaxMs < settings.killMinMs) settings.killMaxMs = settings.killMinMs;

// Short timings, so that reconcile settles a crash's leftovers in seconds. Each can be changed
// through the variable of the same name.
const timings = (defaults) =>
  Object.fromEntries(
    Object.entries(defaults).map(([name, value]) => [name, String(whole(name, value))]),
  );
const serverTimings = timings({
  RECONCILE_INTERVAL_MS: 200,
  RECONCILE_MAX_INTERVAL_MS: 1000,
  CHECK_INTERVAL_MS: 100,
  UNKNOWN_OUTCOME_GRACE_MS: 3000,
  PROVIDER_TIMEOUT_MS: 5000,
  YABETOO_CONFIRM_TIMEOUT_MS: 10_000,
});
const sandboxTimings = timings({
  SANDBOX_SETTLE_DELAY_MS: 300,
  SANDBOX_PROMPT_TIMEOUT_MS: 10_000,
});
const GRACE_MS = Number(serverTimings.UNKNOWN_OUTCOME_GRACE_MS);

const ADMIN_TOKEN = 'crash-test-admin-token-0123456789';
// Yassir Cash wallet that pays at once (13, pre-authorized, for a reservation).
const WALLET = '+213555000002';
// Yassir Cash wallet whose proceed asks for an OTP (12), typed on the sandbox's page.
const OTP_WALLET = '+213555000001';
// Yabetoo's documented Airtel number that succeeds after the settle delay.
const MOMO = { type: 'mobile_money', country: 'cg', operator: 'airtel', msisdn: '242066000001' };

const IN_FLIGHT = ['processing', 'requires_action', 'awaiting_approval'];
const STATUSES = [
  'created',
  'processing',
  'requires_action',
  'awaiting_approval',
  'succeeded',
  'rejected',
  'pre_authorized',
  'expired',
  'canceled',
  'refunded',
  'partially_refunded',
  'failed',
];
const PAID = ['succeeded', 'pre_authorized', 'refunded', 'partially_refunded'];

// ---------------------------------------------------------------------------------------------
// Random draws (seeded) and counters

function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(settings.seed);
const chance = (p) => random() < p;
const between = (low, high) => low + Math.floor(random() * (high - low + 1));

const stats = {
  journeys: 0,
  kinds: {},
  acknowledged: 0,
  retried: 0,
  retriedBy: {},
  retries: 0,
  abandonedRequests: 0,
  creates: 0,
  replays: 0,
  captures: { full: 0, partial: 0 },
  releases: 0,
  refunds: { full: 0, partial: 0 },
  refusedAfterCrash: 0,
  settledFromDashboard: 0,
  lateApproved: 0,
  lateSuccesses: 0,
  givenBack: 0,
  paidTwiceForMerchant: 0,
  notSubmitted: new Set(),
  tokens: 0,
  secondTabs: 0,
  repaysRefused: 0,
  sameKeyAtOnce: 0,
};

// Everything wrong, by kind: `lost`, `duplicated`, `mismatched`, `unexpected`.
const problems = { lost: [], duplicated: [], mismatched: [], unexpected: [] };
function problem(kind, message) {
  problems[kind].push(message);
  if (problems[kind].length <= 5) console.error(`  ${kind}: ${message}`);
}

// What the clients were told: payments created (by id), operations acknowledged.
const ledger = {
  payments: new Map(),
  // Idempotency key -> payment ids its 2xx answers named.
  keys: new Map(),
  // `{paymentId, kind, amount}` of every capture, release and refund answered 200.
  operations: [],
  // Payment id -> the `client_secret` its create answered, sent with its submit and reads.
  secrets: new Map(),
};

// ---------------------------------------------------------------------------------------------
// Processes

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'checkout-crash-'));
const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
  postgresStop?.();
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    console.error(`stopped by ${signal}; the temporary folder is kept: ${work}`);
    process.exit(2);
  });
}

function launch(binary, env, logName) {
  const log = fs.openSync(path.join(work, logName), 'a');
  const child = spawn(path.join(settings.bin, binary), [], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, RUST_LOG: 'warn', ...env },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  children.add(child);
  child.exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  return child;
}

async function waitForHttp(url, child, what) {
  const deadline = Date.now() + 15_000;
  let exited = null;
  child.exited.then((how) => (exited = how));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${what} exited at start (${JSON.stringify(exited)}); see ${work}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(20);
  }
  throw new Error(`${what} did not answer ${url} within 15 s; see ${work}`);
}

// A server: killed and restarted on purpose; anything else that stops it is a failure.
function makeServer(index, port) {
  return {
    index,
    port,
    base: `http://127.0.0.1:${port}`,
    child: null,
    up: false,
    waiting: [],
    kills: 0,
    restarts: 0,
    unexpectedExits: 0,
    env: null,

    async start() {
      const child = launch('checkout-server', { ...this.env, PORT: String(this.port) }, `server-${this.index}.log`);
      this.child = child;
      child.exited.then(({ code, signal }) => {
        if (this.child === child && !child.killedOnPurpose && !stopping) {
          this.unexpectedExits++;
          problem('unexpected', `server ${this.index} stopped by itself (code ${code}, signal ${signal})`);
          this.up = false;
          this.start().catch((error) => problem('unexpected', `restart failed: ${error.message}`));
        }
      });
      await waitForHttp(`${this.base}/readyz`, child, `server ${this.index}`);
      this.up = true;
      for (const resume of this.waiting.splice(0)) resume();
    },

    ready() {
      return this.up ? Promise.resolve() : new Promise((resume) => this.waiting.push(resume));
    },

    async killAndRestart() {
      const child = this.child;
      this.up = false;
      child.killedOnPurpose = true;
      child.kill('SIGKILL');
      await child.exited;
      this.kills++;
      await this.start();
      this.restarts++;
    },
  };
}

const servers = [];
// Where the clients send their requests: the one server, or the load balancer.
const front = { base: '', balanced: false };
const totalKills = () => servers.reduce((sum, server) => sum + server.kills, 0);
const totalRestarts = () => servers.reduce((sum, server) => sum + server.restarts, 0);
const unexpectedExits = () => servers.reduce((sum, server) => sum + server.unexpectedExits, 0);

// A throwaway PostgreSQL cluster in the test's folder (scripts/pg-cluster), stopped when the
// test ends.
let postgresStop = null;
async function startPostgres() {
  const dir = path.join(work, 'pg');
  const url = execFileSync('bash', [path.join(root, 'scripts/pg-cluster'), 'start', dir, String(await freePort())])
    .toString()
    .trim();
  postgresStop = () => execFileSync('bash', [path.join(root, 'scripts/pg-cluster'), 'stop', dir], { stdio: 'ignore' });
  return url;
}

// HAProxy in front of the servers: a request goes to a server whose `/readyz` answers, a
// connection refused is tried on another.
async function startBalancer() {
  const port = await freePort();
  const log = fs.openSync(path.join(work, 'haproxy.log'), 'a');
  const child = spawn('bash', [path.join(root, 'scripts/balancer'), work, String(port), ...servers.map((server) => String(server.port))], {
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  children.add(child);
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.exited.then((how) => stopping || problem('unexpected', `HAProxy stopped (${JSON.stringify(how)})`));
  front.base = `http://127.0.0.1:${port}`;
  front.balanced = true;
  await waitForHttp(`${front.base}/readyz`, child, 'HAProxy');
}

// ---------------------------------------------------------------------------------------------
// HTTP, as a merchant backend does it: a lost answer or a 5xx is asked again, with the same key,
// once the server is back.

const ABANDON_AFTER_MS = 120_000;

async function request(method, route, { body, key, admin, to } = {}) {
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (key) headers['idempotency-key'] = key;
  if (admin) headers.authorization = `Bearer ${ADMIN_TOKEN}`;
  const payment = route.match(/^\/api\/v1\/payments\/([^/]+)/)?.[1];
  if (payment && ledger.secrets.has(payment)) headers['client-secret'] = ledger.secrets.get(payment);
  const started = Date.now();
  const write = method === 'POST';
  let retried = false;
  for (let attempt = 1; ; attempt++) {
    // Behind the load balancer the clients just ask again; a lone server is waited for.
    if (to) await to.ready();
    else if (!front.balanced) await servers[0].ready();
    let why;
    try {
      const response = await fetch((to ?? front).base + route, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      let json;
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
      const concurrent = response.status === 409 && json?.error?.code === 'concurrent_update';
      if (response.status < 500 && !concurrent) {
        if (write && response.status >= 200 && response.status < 300) stats.acknowledged++;
        return { status: response.status, body: json, retried };
      }
      why = `HTTP ${response.status} ${json?.error?.code ?? ''}`;
    } catch (error) {
      why = error.cause?.code ?? error.name;
    }
    if (write && !retried) {
      stats.retried++;
      const what = writeKind(route);
      stats.retriedBy[what] = (stats.retriedBy[what] ?? 0) + 1;
    }
    retried = true;
    if (write) stats.retries++;
    if (Date.now() - started > ABANDON_AFTER_MS) {
      stats.abandonedRequests++;
      problem('unexpected', `${method} ${route} abandoned after ${attempt} attempts (${why})`);
      return { status: 0, body: null, retried, abandoned: true };
    }
    await sleep(attempt < 5 ? 20 : 100);
  }
}

// What a write is, for the counts: `create`, `submit`, `capture`, `release`, `refund`, `token`.
function writeKind(route) {
  if (route === '/api/v1/payments') return 'create';
  if (route.endsWith('/order-tokens')) return 'token';
  return route.split('/').pop();
}

const errorCode = (answer) => answer.body?.error?.code;
const describe = (answer) =>
  `HTTP ${answer.status} ${typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body)}`.slice(
    0,
    300,
  );

// ---------------------------------------------------------------------------------------------
// The clients' journeys

// Creates a payment; `{payment}` for a 2xx, `{refused}` with the answer otherwise.
async function create(order, method, phone, key, journey) {
  const body = phone ? { order, method, phone } : { order, method };
  let answer;
  if (servers.length > 1 && chance(0.15)) {
    // The same key to two servers at once: the database decides, both answer one payment.
    const first = between(0, servers.length - 1);
    const second = (first + between(1, servers.length - 1)) % servers.length;
    const answers = await Promise.all(
      [first, second].map((index) => request('POST', '/api/v1/payments', { body, key, to: servers[index] })),
    );
    stats.sameKeyAtOnce++;
    const ids = answers.filter((one) => one.status === 200 || one.status === 201).map((one) => one.body.id);
    if (new Set(ids).size > 1) problem('duplicated', `one key sent to two servers at once made ${ids.join(' and ')}`);
    answer = answers.find((one) => one.status === 200 || one.status === 201) ?? answers[0];
  } else {
    answer = await request('POST', '/api/v1/payments', { body, key });
  }
  if (answer.status !== 200 && answer.status !== 201) return { refused: answer };
  const payment = answer.body;
  if (payment.client_secret) ledger.secrets.set(payment.id, payment.client_secret);
  stats.creates++;
  const named = ledger.keys.get(key) ?? new Set();
  named.add(payment.id);
  ledger.keys.set(key, named);
  if (!ledger.payments.has(payment.id)) {
    ledger.payments.set(payment.id, {
      id: payment.id,
      journey: journey.name,
      method,
      amount: payment.amount_minor,
      token: journey.reference ?? null,
    });
  }
  return { payment, status: answer.status };
}

// The widget's next step is the OTP page.
const atOtpPage = (payment) => payment.status === 'requires_action' && payment.next_action?.url;

// Polls a payment as the widget does until it is final, or at the OTP page when `otp` (or
// 40 s have gone).
async function follow(id, otp = false) {
  const deadline = Date.now() + 40_000;
  let payment;
  for (;;) {
    const answer = await request('GET', `/api/v1/payments/${id}`);
    if (answer.status !== 200) {
      problem('unexpected', `poll of ${id}: ${describe(answer)}`);
      return null;
    }
    payment = answer.body;
    if (!IN_FLIGHT.includes(payment.status) && payment.status !== 'created') return payment;
    if (otp && atOtpPage(payment)) return payment;
    if (Date.now() > deadline) return payment;
    await sleep(150);
  }
}

// The OTP page as the shopper opens it: its status and its form's CSRF token (none when the
// page shows no form).
async function otpPage(url) {
  const response = await fetch(url);
  const html = await response.text();
  return { status: response.status, csrf: html.match(/name="csrf" value="([^"]*)"/)?.[1] };
}

// The shopper types the right code on the sandbox's OTP page.
async function answerOtp(url) {
  const page = new URL(url);
  const shown = await otpPage(url);
  if (!shown.csrf) {
    // A page with no form says the payment is decided already: nothing left to type.
    if (shown.status !== 200) problem('unexpected', `OTP page answered ${shown.status}`);
    return;
  }
  const form = new URLSearchParams({
    requestId: page.searchParams.get('requestId'),
    code: '123456',
    returnUrl: 'http://127.0.0.1/shop?checkout_resume=1',
    action: 'verify',
    csrf: shown.csrf,
  });
  const response = await fetch(`${page.origin}${page.pathname}`, { method: 'POST', body: form, redirect: 'manual' });
  await response.arrayBuffer();
  if (response.status !== 303) problem('unexpected', `OTP page answered ${response.status}`);
}

// Submits and follows a payment to its final status (through the OTP page when `otp`);
// `{raced}` when another payment of the order is in flight or paid.
async function submit(id, details, otp = false) {
  const answer = await request('POST', `/api/v1/payments/${id}/submit`, { body: details });
  let payment;
  const code = errorCode(answer);
  if (answer.status === 200) {
    payment = answer.body;
    if (IN_FLIGHT.includes(payment.status) && !(otp && atOtpPage(payment))) payment = await follow(id, otp);
  } else if (answer.status === 409 && code === 'payment_already_submitted') {
    // Claimed by an attempt whose answer was lost (or by the other tab): follow it.
    payment = await follow(id, otp);
  }
  if (payment && otp && atOtpPage(payment)) {
    await answerOtp(payment.next_action.url);
    payment = await follow(id);
  }
  if (payment) return { payment };
  if (answer.status === 409 && (code === 'order_in_progress' || code === 'order_already_paid')) {
    return { raced: code };
  }
  problem('unexpected', `submit of ${id}: ${describe(answer)}`);
  return {};
}

const paidNow = (payment) => payment && (payment.status === 'succeeded' || payment.status === 'pre_authorized');
const neverSent = (payment) => payment?.status === 'failed' && payment.failure?.code === 'not_submitted';

// One tab paying an order: create, submit, follow; a payment whose submit never reached the
// provider (the server died first) is failed by reconcile, and paid anew with a new key.
async function pay(journey, order, method, phone, details, { replay = false, tab = 'a', otp = false } = {}) {
  const closed = [];
  for (let attempt = 0; attempt < 4; attempt++) {
    const key = `${journey.name}-${tab}${attempt}`;
    const created = await create(order, method, phone, key, journey);
    // One of this tab's closed attempts may have succeeded late meanwhile.
    const paidLate = async () => {
      for (const id of closed) {
        const late = await request('GET', `/api/v1/payments/${id}`);
        if (paidNow(late.body)) return { id, payment: late.body };
      }
      return null;
    };
    if (!created.payment) {
      const code = errorCode(created.refused);
      if (created.refused.status === 409 && code === 'order_already_paid') {
        const late = await paidLate();
        if (late) return late;
      }
      if (created.refused.status === 409 && (code === 'order_already_paid' || code === 'order_in_progress')) {
        return { raced: code };
      }
      problem('unexpected', `create for ${order.slice(0, 40)}: ${describe(created.refused)}`);
      return {};
    }
    const id = created.payment.id;
    const submitted = await submit(id, details, otp);
    // The late success may also come between this attempt's create and its submit.
    if (submitted.raced === 'order_already_paid') return (await paidLate()) ?? submitted;
    if (submitted.raced) return submitted;
    if (!submitted.payment) return {};
    const payment = submitted.payment;
    if (replay) {
      // The same key again, as a widget does after a reload: the same payment, never another.
      const again = await create(order, method, phone, key, journey);
      stats.replays++;
      if (again.payment?.id !== id || again.status !== 200) {
        problem('duplicated', `create replayed with key ${key} answered ${again.payment?.id ?? describe(again.refused)} instead of ${id}`);
      }
    }
    if (paidNow(payment)) return { id, payment };
    if (neverSent(payment)) {
      stats.notSubmitted.add(id);
      closed.push(id);
      continue;
    }
    problem('unexpected', `payment ${id} of ${journey.name} ended ${payment ? payment.status : 'unknown'}: ${JSON.stringify(payment?.failure ?? null)}`);
    return {};
  }
  problem('unexpected', `${journey.name}: four attempts in a row never reached the provider`);
  return {};
}

// A capture, release or refund with an Idempotency-Key, asked again with that key until its
// outcome is known. A 202 (pending) is asked again; a refusal after a lost answer means it never
// reached the provider, and it is asked anew with a new key. `view` is what the client knows of
// the payment (`amount`, `captured`, `refunded`), updated on success.
async function operate(journey, id, kind, amount, view) {
  const route = `/api/v1/admin/payments/${id}/${kind}`;
  let body;
  if (kind === 'refund') {
    body = amount === null ? { description: 'crash test' } : { description: 'crash test', amount_minor: amount };
  } else if (kind === 'capture' && amount !== null) {
    body = { amount_minor: amount };
  }
  const moves =
    kind === 'capture' ? (amount ?? view.amount) : kind === 'refund' ? (amount ?? view.captured - view.refunded) : 0;
  for (let fresh = 0; fresh < 4; fresh++) {
    const key = `${journey.name}-${kind}-${view.operations++}`;
    const started = Date.now();
    let unclear = false;
    for (;;) {
      const answer = await request('POST', route, { body, key, admin: true });
      unclear ||= answer.retried;
      const code = errorCode(answer);
      if (answer.status === 200) {
        ledger.operations.push({ paymentId: id, kind, amount: moves });
        if (kind === 'capture') view.captured = moves;
        if (kind === 'refund') view.refunded += moves;
        const record = answer.body;
        if (record.captured_minor !== view.captured || record.refunded_minor !== view.refunded) {
          problem('mismatched', `${kind} of ${id} answered captured ${record.captured_minor} refunded ${record.refunded_minor}, expected ${view.captured} / ${view.refunded}`);
        }
        return 'done';
      }
      if (answer.status === 202) {
        unclear = true;
        const pending = answer.body.operations?.find((operation) => operation.state === 'pending');
        // A refund or a release a check may never show: past the grace, the merchant looks in
        // the provider's dashboard and settles it.
        if (pending && kind !== 'capture' && Date.now() - started > GRACE_MS * 2) {
          const made = await settleFromDashboard(id, pending, view);
          if (made === null) return 'failed';
          if (made) {
            ledger.operations.push({ paymentId: id, kind, amount: moves });
            if (kind === 'refund') view.refunded += moves;
            return 'done';
          }
          stats.refusedAfterCrash++;
          break;
        }
        if (Date.now() - started > GRACE_MS * 4 + 10_000) {
          problem('mismatched', `${kind} of ${id} still pending after ${Date.now() - started} ms`);
          return 'stuck';
        }
        await sleep(250);
        continue;
      }
      if (answer.status === 422 && code === 'provider_refused' && unclear) {
        stats.refusedAfterCrash++;
        break;
      }
      if (answer.status === 409 && code === 'operation_pending' && Date.now() - started < GRACE_MS * 4 + 10_000) {
        await sleep(250);
        continue;
      }
      problem('unexpected', `${kind} of ${id} (${amount ?? 'all'}): ${describe(answer)}`);
      return 'failed';
    }
  }
  problem('unexpected', `${kind} of ${id}: refused four times in a row`);
  return 'failed';
}

// What the provider's dashboard (the sandbox's view) shows of a pending refund or release, recorded
// with the settle endpoint: whether it was made, or `null` when it could not be settled.
async function settleFromDashboard(id, pending, view) {
  const record = await request('GET', `/api/v1/admin/payments/${id}`, { admin: true });
  const intent = (await sandboxIntents()).find((held) => held.intent_id === record.body?.provider_intent_id);
  if (!intent) {
    problem('unexpected', `${pending.kind} ${pending.id} of ${id}: no intent at the sandbox`);
    return null;
  }
  const made = pending.kind === 'refund' ? intent.refunded > view.refunded : intent.status === 'canceled';
  const answer = await request('POST', `/api/v1/admin/payments/${id}/operations/${pending.id}/settle`, {
    admin: true,
    body: { outcome: made ? 'succeeded' : 'refused', note: 'as the sandbox holds it' },
  });
  if (answer.status !== 200 && errorCode(answer) !== 'operation_not_pending') {
    problem('unexpected', `settling ${pending.kind} ${pending.id} of ${id}: ${describe(answer)}`);
    return null;
  }
  stats.settledFromDashboard++;
  if (answer.status !== 200) {
    // Decided meanwhile by a check: its state says how.
    const now = await request('GET', `/api/v1/admin/payments/${id}`, { admin: true });
    return now.body?.operations?.find((operation) => operation.id === pending.id)?.state === 'succeeded';
  }
  return made;
}

// Zero to three refunds of a paid payment: partial ones, and maybe the rest.
async function refunds(journey, id, view) {
  const plan = random();
  const steps = plan < 0.35 ? [] : plan < 0.55 ? ['part'] : plan < 0.7 ? ['part', 'part'] : plan < 0.9 ? ['part', 'rest'] : ['rest'];
  for (const step of steps) {
    const remaining = view.captured - view.refunded;
    if (remaining <= 0) return;
    const amount = step === 'rest' ? null : Math.max(100, Math.round((remaining * between(5, 35)) / 100 / 100) * 100);
    if (amount !== null && amount >= remaining) return;
    const outcome = await operate(journey, id, 'refund', amount, view);
    if (outcome !== 'done') return;
    stats.refunds[amount === null ? 'full' : 'partial']++;
  }
}

// What becomes of a reservation: captured in full, in part, or released; then maybe refunded.
async function settleReservation(journey, id, view) {
  const choice = random();
  if (choice < 0.3) {
    if ((await operate(journey, id, 'release', null, view)) === 'done') stats.releases++;
    return false;
  }
  const partial = choice < 0.65;
  const amount = partial ? Math.round((view.amount * between(20, 90)) / 100 / 100) * 100 : null;
  if ((await operate(journey, id, 'capture', amount, view)) !== 'done') return false;
  stats.captures[partial ? 'partial' : 'full']++;
  if (chance(0.5)) await refunds(journey, id, view);
  return true;
}

const newView = (amount, captured) => ({ amount, captured, refunded: 0, operations: 0 });

async function directJourney(journey) {
  const { id, payment } = await pay(journey, 'demo-dz', 'yassir_cash', WALLET, { type: 'yassir_cash' }, { replay: chance(0.2) });
  if (!id) return;
  await refunds(journey, id, newView(payment.amount_minor, payment.amount_minor));
}

// A wallet that asks for an OTP: the shopper goes through the sandbox's OTP page.
async function otpJourney(journey) {
  const { id, payment } = await pay(journey, 'demo-dz', 'yassir_cash', OTP_WALLET, { type: 'yassir_cash' }, { otp: true });
  if (!id) return;
  await refunds(journey, id, newView(payment.amount_minor, payment.amount_minor));
}

async function reservationJourney(journey) {
  const { id, payment } = await pay(journey, 'demo-dz-hotel', 'yassir_cash', WALLET, { type: 'yassir_cash' }, { replay: chance(0.2) });
  if (!id) return;
  await settleReservation(journey, id, newView(payment.amount_minor, 0));
}

async function momoJourney(journey) {
  await pay(journey, 'demo-cg', 'mobile_money', null, MOMO, { replay: chance(0.2) });
}

// An order the merchant signed: paid once, perhaps from two tabs at once, and refused when
// paid again.
async function tokenJourney(journey) {
  const kind = random();
  const order =
    kind < 0.4
      ? { currency: 'DZD', capture: 'direct', amount_minor: between(50, 5000) * 100 }
      : kind < 0.7
        ? { currency: 'DZD', capture: 'reservation', amount_minor: between(50, 5000) * 100 }
        : { currency: 'XAF', capture: 'direct', amount_minor: between(500, 20_000) };
  journey.reference = `CT-${settings.seed}-${journey.index}`;
  const signed = await request('POST', '/api/v1/admin/order-tokens', {
    admin: true,
    body: { reference: journey.reference, description: 'Crash test order', ...order },
  });
  if (signed.status !== 201) {
    problem('unexpected', `order token: ${describe(signed)}`);
    return;
  }
  stats.tokens++;
  const token = signed.body.token;
  const [method, phone, details] =
    order.currency === 'XAF' ? ['mobile_money', null, MOMO] : ['yassir_cash', WALLET, { type: 'yassir_cash' }];

  let paid;
  if (chance(0.3)) {
    // Two tabs press Pay at once: one payment of the order ends paid, never two.
    stats.secondTabs++;
    const tabs = await Promise.all(['a', 'b'].map((tab) => pay(journey, token, method, phone, details, { tab })));
    const ids = new Set(tabs.filter((tab) => tab.id).map((tab) => tab.id));
    if (ids.size > 1) problem('duplicated', `order ${journey.reference} paid by ${[...ids].join(' and ')}`);
    if (ids.size === 0) {
      // The winning tab's attempt may have been failed after a crash while the other tab was
      // refused: pay from one tab again.
      paid = await pay(journey, token, method, phone, details, { tab: 'c' });
    } else {
      paid = tabs.find((tab) => tab.id);
    }
  } else {
    paid = await pay(journey, token, method, phone, details, { replay: chance(0.2) });
  }
  if (!paid?.id) {
    if (paid?.raced) problem('unexpected', `order ${journey.reference}: refused as ${paid.raced} with nothing paid`);
    return;
  }

  let open = true;
  const view = newView(order.amount_minor, order.capture === 'direct' ? order.amount_minor : 0);
  if (order.capture === 'reservation') open = await settleReservation(journey, paid.id, view);
  else if (order.currency === 'DZD') await refunds(journey, paid.id, view);
  if (open && chance(0.3)) {
    const again = await create(token, method, phone, `${journey.name}-again`, journey);
    if (again.payment) {
      problem('duplicated', `order ${journey.reference}, paid by ${paid.id}, took a new payment ${again.payment.id}`);
    } else if (again.refused.status === 409 && errorCode(again.refused) === 'order_already_paid') {
      stats.repaysRefused++;
    } else {
      problem('unexpected', `paying ${journey.reference} again: ${describe(again.refused)}`);
    }
  }
}

async function journey(index) {
  const draw = random();
  const [name, run] =
    draw < 0.25
      ? ['direct', directJourney]
      : draw < 0.37
        ? ['otp', otpJourney]
        : draw < 0.59
          ? ['reservation', reservationJourney]
          : draw < 0.77
            ? ['momo', momoJourney]
            : ['token', tokenJourney];
  stats.journeys++;
  stats.kinds[name] = (stats.kinds[name] ?? 0) + 1;
  await run({ index, name: `j${index}-${name}` });
}

// ---------------------------------------------------------------------------------------------
// The end: wait for reconcile, then compare the server's records with the clients' and the
// sandbox's.

// Every payment the server has, with its operations and history: listed by status, and read
// one by one where the lists miss it (cut at their 1000 limit, or a payment whose status changed
// between two lists: every payment a client or an intent names).
async function listPayments(intents = []) {
  const records = new Map();
  let cut = false;
  for (const status of STATUSES) {
    const answer = await request('GET', `/api/v1/admin/payments?status=${status}&limit=1000`, { admin: true });
    if (answer.status !== 200) throw new Error(`admin list: ${describe(answer)}`);
    cut ||= answer.body.payments.length >= 1000;
    for (const record of answer.body.payments) records.set(record.id, record);
  }
  const named = new Set([...ledger.payments.keys(), ...intents.map((intent) => intent.payment_id)]);
  for (const id of named) {
    if (!id || records.has(id)) continue;
    const answer = await request('GET', `/api/v1/admin/payments/${id}`, { admin: true });
    if (answer.status === 200) records.set(id, answer.body);
  }
  if (cut) console.log('   (admin lists cut at 1000: payments read one by one)');
  return [...records.values()];
}

// A pending refund made after another refund left the payment partially refunded: the
// provider's check cannot tell whether it was made (the code says so), so it stays pending.
function undecidable(record, operation) {
  if (operation.kind !== 'refund' || operation.state !== 'pending') return false;
  const index = record.operations.indexOf(operation);
  return record.operations
    .slice(0, index)
    .some((earlier) => earlier.kind === 'refund' && earlier.state === 'succeeded');
}

// The server closed it on its own clock, and the provider has it in hand after all.
const closedButSubmitted = (record, intent) => record.decided_by === 'server' && intent?.submitted;

async function settle() {
  const started = Date.now();
  // Every `late` request of the load reaches the sandbox by then.
  if (settings.faults.includes('=late')) await sleep(LATE_MS + 1000);
  const approved = new Set();
  for (;;) {
    const intents = await sandboxIntents();
    const records = await listPayments(intents);
    const intentOf = new Map(intents.map((intent) => [`${intent.provider}/${intent.intent_id}`, intent]));
    const late = records.filter((record) => closedButSubmitted(record, intentOf.get(`${record.provider}/${record.provider_intent_id}`)));
    for (const record of late) {
      const intent = intentOf.get(`${record.provider}/${record.provider_intent_id}`);
      // The shopper approves the OTP page of a late proceed after all.
      if (intent.status === 'requires_action' && !approved.has(intent.intent_id)) {
        const answer = await fetch(`${sandboxBase}/sandbox/intents/${intent.intent_id}/succeed`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        if (answer.status === 200) stats.lateApproved++;
        approved.add(intent.intent_id);
      }
    }
    // A Yassir payment of an order paid twice is being given back.
    const givingBack = records.filter((record) => record.attention?.code === 'paid_twice' && record.provider === 'yassir');
    const inFlight = records.filter((record) => IN_FLIGHT.includes(record.status)).concat(late, givingBack);
    const pending = records.flatMap((record) =>
      record.operations
        .filter((operation) => operation.state === 'pending' && !undecidable(record, operation))
        .map((operation) => ({ record, operation })),
    );
    const waited = Date.now() - started;
    if ((inFlight.length === 0 && pending.length === 0) || waited > settings.settleTimeoutMs) {
      for (const record of inFlight) {
        problem('mismatched', `payment ${record.id} still ${record.status} (decided by ${record.decided_by ?? 'nobody'}, attention ${record.attention?.code ?? 'none'}) after ${waited} ms`);
      }
      for (const { record, operation } of pending) {
        problem('mismatched', `${operation.kind} ${operation.id} of ${record.id} still pending after ${waited} ms`);
      }
      return { records, waited };
    }
    await sleep(300);
  }
}

// The sandbox status an intent must have for a payment in `status`.
function agrees(record, intent) {
  const never = record.status === 'failed' && record.failure?.code === 'not_submitted';
  if (record.provider === 'yassir') {
    const expected = {
      created: ['created'],
      requires_action: ['requires_action'],
      pre_authorized: ['pre_authorized'],
      succeeded: ['succeeded'],
      rejected: ['failed'],
      expired: ['failed'],
      canceled: ['canceled'],
      partially_refunded: ['partially_refunded'],
      refunded: ['refunded'],
    }[record.status];
    return never ? intent.status === 'created' && !intent.submitted : (expected ?? []).includes(intent.status);
  }
  const expected = {
    created: ['pending'],
    awaiting_approval: ['processing'],
    succeeded: ['succeeded'],
    rejected: ['failed'],
    expired: ['expired'],
  }[record.status];
  return never ? intent.status === 'pending' && !intent.submitted : (expected ?? []).includes(intent.status);
}

// Given back by the server after its order was paid by another payment.
const givenBack = (record) => record.history.some((change) => change.detail.includes('paid twice'));
// Paid and kept: neither given back nor put before the merchant as paid twice.
const kept = (record) => PAID.includes(record.status) && !givenBack(record) && record.attention?.code !== 'paid_twice';

const movedMoney = (intent) =>
  intent.submitted || intent.captured > 0 || intent.reserved > 0 || intent.refunded > 0 || !['created', 'pending'].includes(intent.status);
const holdsMoney = (intent) => intent.captured - intent.refunded > 0 || intent.reserved > 0;

async function sandboxIntents() {
  const answer = await fetch(`${sandboxBase}/sandbox/intents`).then((response) => response.json());
  return answer.intents;
}

async function check(records) {
  const intents = await sandboxIntents();
  const byId = new Map(records.map((record) => [record.id, record]));
  const outcome = { orphans: [], undecidableMade: 0, undecidableNotMade: 0, statuses: {} };

  // 1. What the clients were told is in the database: each acknowledged payment read by its id.
  for (const [id, created] of ledger.payments) {
    const answer = await request('GET', `/api/v1/admin/payments/${id}`, { admin: true });
    if (answer.status !== 200) {
      problem('lost', `payment ${id} (${created.journey}) was acknowledged but is not in the database: ${describe(answer)}`);
      continue;
    }
    const record = answer.body;
    if (!byId.has(id)) problem('mismatched', `payment ${id} is missing from the admin list`);
    if (record.amount_minor !== created.amount || record.method !== created.method) {
      problem('mismatched', `payment ${id}: stored ${record.amount_minor} ${record.method}, acknowledged ${created.amount} ${created.method}`);
    }
  }
  for (const [key, ids] of ledger.keys) {
    if (ids.size > 1) problem('duplicated', `key ${key} answered payments ${[...ids].join(', ')}`);
  }
  const acknowledged = new Map();
  for (const operation of ledger.operations) {
    const list = acknowledged.get(operation.paymentId) ?? [];
    list.push(operation);
    acknowledged.set(operation.paymentId, list);
  }
  for (const record of records) {
    const told = acknowledged.get(record.id) ?? [];
    // The server's own give-back of a payment of an order paid twice: no client asked for it.
    if (givenBack(record) && told.length === 0) continue;
    const done = record.operations.filter((operation) => operation.state === 'succeeded');
    for (const kind of ['capture', 'release', 'refund']) {
      const toldAmounts = told.filter((operation) => operation.kind === kind).map((operation) => operation.amount).sort((a, b) => a - b);
      const doneAmounts = done.filter((operation) => operation.kind === kind).map((operation) => operation.amount_minor).sort((a, b) => a - b);
      const rest = [...doneAmounts];
      for (const amount of toldAmounts) {
        const at = rest.indexOf(amount);
        if (at < 0) problem('lost', `${kind} of ${amount} on ${record.id} was acknowledged but is not a succeeded operation`);
        else rest.splice(at, 1);
      }
      for (const amount of rest) problem('duplicated', `${kind} of ${amount} on ${record.id} succeeded more often than it was acknowledged`);
    }
    const capturedTold = told.filter((operation) => operation.kind === 'capture').reduce((sum, operation) => sum + operation.amount, 0);
    const refundedTold = told.filter((operation) => operation.kind === 'refund').reduce((sum, operation) => sum + operation.amount, 0);
    if (record.capture_method === 'reservation' && record.captured_minor !== capturedTold) {
      problem('mismatched', `payment ${record.id}: captured_minor ${record.captured_minor}, acknowledged captures ${capturedTold}`);
    }
    if (record.refunded_minor !== refundedTold) {
      problem('mismatched', `payment ${record.id}: refunded_minor ${record.refunded_minor}, acknowledged refunds ${refundedTold}`);
    }
    outcome.statuses[record.status] = (outcome.statuses[record.status] ?? 0) + 1;
  }

  // 2. An order is paid once: a second payment that succeeded late is given back, or (where the
  //    provider cannot give it back) waits for the merchant, who is told.
  const paidByOrder = new Map();
  for (const record of records) {
    if (givenBack(record)) stats.givenBack++;
    if (record.attention?.code === 'paid_twice') stats.paidTwiceForMerchant++;
    if (!kept(record)) continue;
    const list = paidByOrder.get(record.order) ?? [];
    list.push(record.id);
    paidByOrder.set(record.order, list);
  }
  for (const [order, ids] of paidByOrder) {
    if (ids.length > 1) problem('duplicated', `order ${order} paid by ${ids.join(', ')}`);
  }

  // 3. Every late success (the provider's word after the server's close) ends paid, with its
  //    event for the merchant.
  for (const record of records) {
    if (!record.history.some((change) => change.detail.includes('answered late'))) continue;
    stats.lateSuccesses++;
    if (!PAID.includes(record.status) && record.status !== 'canceled') {
      problem('mismatched', `payment ${record.id} succeeded late but is ${record.status}`);
    }
    const events = await request('GET', `/api/v1/admin/webhooks/events?payment_id=${record.id}`, { admin: true });
    const types = (events.body?.events ?? []).map((event) => event.type);
    if (!types.includes('payment.succeeded') && !types.includes('payment.pre_authorized')) {
      problem('lost', `payment ${record.id} succeeded late without its event (${types.join(', ')})`);
    }
  }

  // 4. The server's records and the provider's.
  const intentById = new Map(intents.map((intent) => [`${intent.provider}/${intent.intent_id}`, intent]));
  const claimed = new Map();
  for (const record of records) {
    if (!record.provider_intent_id) continue;
    const intent = `${record.provider}/${record.provider_intent_id}`;
    if (claimed.has(intent)) problem('duplicated', `payments ${claimed.get(intent)} and ${record.id} both point at intent ${intent}`);
    claimed.set(intent, record.id);
  }
  for (const record of records) {
    if (!record.provider_intent_id) {
      if (record.status !== 'created') problem('mismatched', `payment ${record.id} is ${record.status} without a provider intent`);
      continue;
    }
    const intent = intentById.get(`${record.provider}/${record.provider_intent_id}`);
    if (!intent) {
      problem('mismatched', `payment ${record.id}: the sandbox has no ${record.provider} intent ${record.provider_intent_id}`);
      continue;
    }
    if (intent.payment_id !== record.id) {
      problem('mismatched', `payment ${record.id} points at intent ${intent.intent_id} of payment ${intent.payment_id}`);
    }
    if (intent.amount !== record.amount_minor || intent.currency.toUpperCase() !== record.currency) {
      problem('mismatched', `payment ${record.id}: ${record.amount_minor} ${record.currency}, intent ${intent.amount} ${intent.currency}`);
    }
    if (!agrees(record, intent)) {
      problem('mismatched', `payment ${record.id} is ${record.status}${record.failure ? ` (${record.failure.code})` : ''}, its ${record.provider} intent ${intent.status}${intent.submitted ? ' (submitted)' : ''}`);
    }
    const captured = intent.captured;
    if (record.captured_minor !== captured && !(intent.status === 'pre_authorized' && record.captured_minor === 0)) {
      problem('mismatched', `payment ${record.id}: captured_minor ${record.captured_minor}, the provider captured ${captured}`);
    }
    if (record.status === 'pre_authorized' && intent.reserved !== record.amount_minor) {
      problem('mismatched', `payment ${record.id}: pre-authorized, the provider holds ${intent.reserved}`);
    }
    const pending = record.operations.find((operation) => undecidable(record, operation));
    if (intent.refunded !== record.refunded_minor) {
      if (pending && intent.refunded === record.refunded_minor + pending.amount_minor) outcome.undecidableMade++;
      else problem('mismatched', `payment ${record.id}: refunded_minor ${record.refunded_minor}, the provider refunded ${intent.refunded}`);
    } else if (pending) {
      outcome.undecidableNotMade++;
    }
  }

  // 5. Every intent the sandbox holds belongs to exactly one payment; an intent other than its
  //    payment's own is an orphan, which may hold no money.
  const moving = new Map();
  for (const intent of intents) {
    const record = intent.payment_id ? byId.get(intent.payment_id) : null;
    if (!record) {
      problem('mismatched', `${intent.provider} intent ${intent.intent_id} names payment ${intent.payment_id}, which the server does not have`);
      continue;
    }
    if (record.provider !== intent.provider || record.provider_intent_id !== intent.intent_id) {
      if (movedMoney(intent)) {
        problem('duplicated', `orphan ${intent.provider} intent ${intent.intent_id} of payment ${record.id} moved money (${intent.status}, captured ${intent.captured})`);
      } else {
        outcome.orphans.push({ provider: intent.provider, beside: Boolean(record.provider_intent_id) });
      }
    }
    if (holdsMoney(intent)) {
      const list = moving.get(record.id) ?? [];
      list.push(intent.intent_id);
      moving.set(record.id, list);
    }
  }
  for (const [id, list] of moving) {
    if (list.length > 1) problem('duplicated', `payment ${id} charged by ${list.length} intents: ${list.join(', ')}`);
  }
  const tokenPaid = new Map();
  for (const intent of intents) {
    if (!intent.order?.startsWith('CT-') || !['succeeded', 'pre_authorized', 'partially_refunded', 'refunded'].includes(intent.status)) continue;
    const record = intent.payment_id ? byId.get(intent.payment_id) : null;
    if (record && !kept(record)) continue;
    tokenPaid.set(intent.order, (tokenPaid.get(intent.order) ?? 0) + 1);
  }
  for (const [order, count] of tokenPaid) {
    if (count > 1) problem('duplicated', `order token ${order} paid through ${count} provider intents`);
  }
  outcome.intents = intents.length;
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// The merchant's webhook endpoint: every delivery's `webhook-id`, as received.

const received = new Map();
async function startReceiver() {
  const port = await freePort();
  const receiver = http.createServer((incoming, answer) => {
    const chunks = [];
    incoming.on('data', (chunk) => chunks.push(chunk));
    incoming.on('end', () => {
      const id = incoming.headers['webhook-id'];
      if (id) received.set(id, (received.get(id) ?? 0) + 1);
      answer.writeHead(id ? 204 : 400).end();
    });
  });
  await new Promise((resolve) => receiver.listen(port, '127.0.0.1', resolve));
  receiver.unref();
  return `http://127.0.0.1:${port}/hook`;
}

// Every event stored for the payments is delivered under its id, and nothing else is: waited
// for until the deliveries a kill cut off have been sent again.
async function checkEvents(records) {
  const stored = new Set();
  for (const record of records) {
    const answer = await request('GET', `/api/v1/admin/webhooks/events?payment_id=${record.id}&limit=1000`, { admin: true });
    if (answer.status !== 200) throw new Error(`event list: ${describe(answer)}`);
    for (const event of answer.body.events) stored.add(event.id);
  }
  const deadline = Date.now() + 90_000;
  let missing = [...stored].filter((id) => !received.has(id));
  while (missing.length && Date.now() < deadline) {
    await sleep(500);
    missing = missing.filter((id) => !received.has(id));
  }
  for (const id of missing) problem('lost', `merchant event ${id} never delivered`);
  for (const id of received.keys()) {
    if (!stored.has(id)) problem('unexpected', `a delivery named event ${id}, which no payment has`);
  }
  const redelivered = [...received.values()].filter((count) => count > 1).length;
  return { stored: stored.size, received: received.size, redelivered };
}

// More prompts to one phone than its allowance, asked of every server at once: the database
// counts them once, so the phone gets no more than its allowance, whichever server is asked.
async function checkPhoneLimit() {
  const msisdn = '242066594470';
  const details = { type: 'mobile_money', country: 'cg', operator: 'mtn', msisdn };
  const asks = servers.length * 4;
  const outcomes = await Promise.all(
    Array.from({ length: asks }, async (_, index) => {
      const to = servers[index % servers.length];
      const created = await request('POST', '/api/v1/payments', {
        body: { order: 'demo-cg', method: 'mobile_money' },
        key: `phone-limit-${index}`,
        to,
      });
      if (created.status !== 201) return { unexpected: `create: ${describe(created)}` };
      ledger.secrets.set(created.body.id, created.body.client_secret);
      const submitted = await request('POST', `/api/v1/payments/${created.body.id}/submit`, { body: details, to });
      return { id: created.body.id, status: submitted.status, code: errorCode(submitted) };
    }),
  );
  const taken = outcomes.filter((outcome) => outcome.status === 200).length;
  const limited = outcomes.filter((outcome) => outcome.status === 429).length;
  for (const outcome of outcomes) {
    if (outcome.unexpected) problem('unexpected', `phone limit: ${outcome.unexpected}`);
    else if (outcome.status !== 200 && outcome.status !== 429) problem('unexpected', `phone limit: submit answered ${outcome.status} ${outcome.code}`);
  }
  const ids = new Set(outcomes.map((outcome) => outcome.id));
  const prompted = (await sandboxIntents()).filter((intent) => ids.has(intent.payment_id) && intent.submitted).length;
  if (prompted > PHONE_LIMIT || taken > PHONE_LIMIT) {
    problem('duplicated', `a phone allowed ${PHONE_LIMIT} prompts an hour was prompted ${prompted} times (${taken} submits taken) by ${servers.length} servers`);
  }
  return { asks, taken, limited, prompted };
}

// ---------------------------------------------------------------------------------------------
// The run

let sandboxBase = '';
// Set when the test stops its processes at the end.
let stopping = false;

function revision() {
  try {
    const short = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: root }).toString().trim() !== '';
    return dirty ? `${short} (with uncommitted changes)` : short;
  } catch {
    return 'unknown';
  }
}

function machine() {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'CPU'}; node ${process.version}`;
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

async function main() {
  for (const binary of ['checkout-server', 'checkout-sandbox']) {
    if (!fs.existsSync(path.join(settings.bin, binary))) {
      console.error(`no ${binary} in ${settings.bin}: run scripts/crash-test, which builds it`);
      process.exit(2);
    }
  }
  const startedAt = new Date();
  const began = Date.now();
  const sandboxPort = await freePort();
  sandboxBase = `http://127.0.0.1:${sandboxPort}`;
  for (let index = 0; index < settings.servers; index++) servers.push(makeServer(index, await freePort()));
  console.log(
    `== crash test: ${settings.kills} kills, ${settings.payments}+ journeys, ${settings.clients} clients, ` +
      `${settings.servers} server${settings.servers > 1 ? 's behind HAProxy' : ''} on ${settings.database}, seed ${settings.seed}`,
  );
  console.log(`   servers :${servers.map((server) => server.port).join(', :')}, sandbox :${sandboxPort}, folder ${work}`);

  const sandbox = launch(
    'checkout-sandbox',
    { SANDBOX_PORT: String(sandboxPort), SANDBOX_PUBLIC_URL: sandboxBase, SANDBOX_FAULTS: settings.faults, ...sandboxTimings },
    'sandbox.log',
  );
  await waitForHttp(`${sandboxBase}/sandbox/intents`, sandbox, 'the sandbox');
  sandbox.exited.then((how) => stopping || problem('unexpected', `the sandbox stopped (${JSON.stringify(how)})`));

  const databaseUrl =
    settings.database === 'postgres' ? await startPostgres() : `sqlite://${path.join(work, 'checkout.sqlite3')}`;
  const hook = await startReceiver();
  const env = {
    PROVIDER_MODE: 'sandbox',
    DATABASE_URL: databaseUrl,
    ADMIN_TOKEN,
    YASSIR_BASE_URL: `${sandboxBase}/sandbox/yassir`,
    YABETOO_BASE_URL: `${sandboxBase}/sandbox/yabetoo`,
    REDIRECT_ORIGINS: sandboxBase,
    SANDBOX_PUBLIC_URL: sandboxBase,
    WIDGET_DIR: path.join(work, 'no-widget'),
    EXAMPLES_DIR: path.join(work, 'no-examples'),
    WEBHOOK_URLS: hook,
    WEBHOOK_SECRET: `whsec_${Buffer.from(Array.from({ length: 32 }, () => between(0, 255))).toString('base64')}`,
    WEBHOOK_FIRST_RETRY_MS: '200',
    WEBHOOK_MAX_RETRY_INTERVAL_MS: '1000',
    // A dozen clients on one address create and submit far above a shopper's rate.
    RATE_LIMIT_PER_CLIENT_PER_MINUTE: '0',
    ...serverTimings,
  };
  // Servers start one after the other: the first applies the schema's migrations.
  for (const server of servers) {
    server.env = env;
    await server.start();
  }
  if (servers.length > 1) await startBalancer();
  else front.base = servers[0].base;

  // The load, and the kills meanwhile: of a server drawn at random.
  let next = 0;
  const killing = (async () => {
    while (totalKills() < settings.kills) {
      await sleep(between(settings.killMinMs, settings.killMaxMs));
      await servers[between(0, servers.length - 1)].killAndRestart();
      process.stdout.write(`\r   kills ${totalKills()}/${settings.kills}, journeys ${next}   `);
    }
  })();
  const client = async () => {
    while (next < settings.payments || totalKills() < settings.kills) {
      await journey(next++);
    }
  };
  await Promise.all([killing, ...Array.from({ length: settings.clients }, client)]);
  const loadMs = Date.now() - began;
  process.stdout.write('\n');

  // Reconcile settles the rest; then the checks.
  const { records, waited } = await settle();
  const outcome = await check(records);
  const events = await checkEvents(records);
  // The phones' allowance, once everything else is checked: every server restarted with a
  // small one, then asked for more prompts to one phone than it allows.
  let phone = null;
  if (servers.length > 1) {
    for (const server of servers) {
      server.env = { ...server.env, RATE_LIMIT_PER_PHONE_PER_HOUR: String(PHONE_LIMIT) };
      server.child.killedOnPurpose = true;
      server.child.kill('SIGTERM');
      await server.child.exited;
      await server.start();
    }
    phone = await checkPhoneLimit();
  }
  const faults = await fetch(`${sandboxBase}/sandbox/faults`).then((response) => response.json());
  const faultsFired = faults.faults.reduce((sum, rule) => sum + rule.fired, 0);
  const durationMs = Date.now() - began;

  const count = (kind) => problems[kind].length;
  const passed = ['lost', 'duplicated', 'mismatched', 'unexpected'].every((kind) => count(kind) === 0);
  const statusLine = Object.entries(outcome.statuses)
    .sort((a, b) => b[1] - a[1])
    .map(([status, n]) => `${status} ${n}`)
    .join(' · ');
  const date = startedAt.toISOString().slice(0, 10);
  const rows = [
    ['payments', `**${records.length}** in the database (${statusLine}); ${ledger.payments.size} acknowledged to clients`],
    ['journeys', `${stats.journeys} (${Object.entries(stats.kinds).map(([kind, n]) => `${kind} ${n}`).join(', ')}): ${stats.tokens} of order tokens (${stats.secondTabs} paid from two tabs at once, ${stats.repaysRefused} paid again and refused), ${stats.replays} creates replayed with their key`],
    ['captures', `**${stats.captures.full + stats.captures.partial}** (${stats.captures.full} full, ${stats.captures.partial} partial)`],
    ['releases', `**${stats.releases}**`],
    ['refunds', `**${stats.refunds.full + stats.refunds.partial}** (${stats.refunds.full} full, ${stats.refunds.partial} partial)`],
    ['servers', `**${servers.length}** on ${settings.database}${servers.length > 1 ? ' behind HAProxy (checking `/readyz`)' : ''}`],
    ['kills', `**${totalKills()}** (SIGKILL, ${settings.killMinMs}-${settings.killMaxMs} ms apart${servers.length > 1 ? `; by server: ${servers.map((server) => server.kills).join(', ')}` : ''})`],
    ['restarts', `**${totalRestarts()}**${unexpectedExits() ? `, ${unexpectedExits()} after a server stopped by itself` : ''}`],
    ...(stats.sameKeyAtOnce ? [['one key, two servers', `${stats.sameKeyAtOnce} creates sent under one key to two servers at once, each answered with one payment`]] : []),
    ['merchant events', `**${events.stored}** stored, ${events.received} delivered under their id (${events.redelivered} delivered again after a kill cut off the first delivery)`],
    ...(phone ? [['phone allowance', `${phone.asks} prompts asked for one phone over ${servers.length} servers, allowance ${PHONE_LIMIT} an hour: **${phone.prompted}** prompted, ${phone.taken} submits taken, ${phone.limited} refused (429)`]] : []),
    ['acknowledged', `**${stats.acknowledged}** write requests (POST) answered 2xx`],
    [
      'retried',
      `**${stats.retried}** write requests asked again after a lost answer or a 5xx (${Object.entries(stats.retriedBy)
        .sort((a, b) => b[1] - a[1])
        .map(([what, n]) => `${what} ${n}`)
        .join(', ')}; ${stats.retries} repeats in all)`,
    ],
    ['redone', `${stats.refusedAfterCrash} operations refused after a lost answer (never reached the provider), asked anew with a new key; ${stats.settledFromDashboard} refunds and releases settled from the provider's dashboard; ${stats.notSubmitted.size} payments failed as never submitted (the server died first, or the request came late), paid anew`],
    ['late successes', `**${stats.lateSuccesses}** payments closed by the server and then paid on the provider's late word (${stats.lateApproved} OTPs approved late), each with its event; ${stats.givenBack} given back automatically, ${stats.paidTwiceForMerchant} left to the merchant as paid twice`],
    [
      'orphan intents (no money)',
      `${outcome.orphans.length} of ${outcome.intents} provider intents, never submitted (yassir ${
        outcome.orphans.filter((orphan) => orphan.provider === 'yassir').length
      }, yabetoo ${outcome.orphans.filter((orphan) => orphan.provider === 'yabetoo').length}): ${
        outcome.orphans.filter((orphan) => orphan.beside).length
      } beside the intent their payment uses, ${outcome.orphans.filter((orphan) => !orphan.beside).length} of payments that stored none`,
    ],
    ['undecidable refunds', `${outcome.undecidableMade + outcome.undecidableNotMade} pending as documented (a refund after a partial refund, outcome lost): ${outcome.undecidableMade} made at the provider, ${outcome.undecidableNotMade} not`],
    ['faults fired', `${faultsFired} delayed provider answers`],
    ['lost', `**${count('lost')}**`],
    ['duplicated', `**${count('duplicated')}**`],
    ['mismatched', `**${count('mismatched')}**`],
    ['unexpected answers', `**${count('unexpected')}**`],
    ['duration', `**${seconds(durationMs)}**: load ${seconds(loadMs)}, settling ${seconds(waited)}`],
  ];
  const summary = [
    `Crash test of ${date}: ${passed ? 'PASS' : 'FAIL'}`,
    '',
    `Revision ${revision()}; ${machine()}.`,
    '',
    `Settings: CRASH_SERVERS=${settings.servers}, CRASH_DATABASE=${settings.database}, CRASH_KILLS=${settings.kills}, CRASH_PAYMENTS=${settings.payments}, CRASH_CLIENTS=${settings.clients}, ` +
      `CRASH_KILL_MIN_MS=${settings.killMinMs}, CRASH_KILL_MAX_MS=${settings.killMaxMs}, CRASH_SEED=${settings.seed}; server ` +
      Object.entries(serverTimings).map(([name, value]) => `${name}=${value}`).join(', ') +
      '; sandbox ' +
      Object.entries(sandboxTimings).map(([name, value]) => `${name}=${value}`).join(', ') +
      `, SANDBOX_FAULTS=${settings.faults ? `\`${settings.faults}\`` : 'none'}.`,
    '',
    '| what | count |',
    '|---|---|',
    ...rows.map(([what, value]) => `| ${what} | ${value} |`),
  ].join('\n');
  console.log(`\n${summary}\n`);
  for (const kind of ['lost', 'duplicated', 'mismatched', 'unexpected']) {
    for (const message of problems[kind].slice(0, 20)) console.log(`${kind}: ${message}`);
    if (problems[kind].length > 20) console.log(`${kind}: … and ${problems[kind].length - 20} more`);
  }

  if (settings.results) {
    const target = settings.results.endsWith('.md')
      ? path.resolve(root, settings.results)
      : path.resolve(root, settings.results, `crash-results-${date}.md`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, `# ${summary}\n\nRun with \`bash scripts/crash-test\`; what it checks is described at the top of \`scripts/crash-test.mjs\`.\n`);
    console.log(`summary written to ${path.relative(root, target)}`);
  }

  stopping = true;
  for (const child of children) child.kill('SIGKILL');
  if (passed && !settings.keep) fs.rmSync(work, { recursive: true, force: true });
  else console.log(`database and logs kept in ${work}`);
  process.exit(passed ? 0 : 1);
}

main().catch((error) => {
  console.error(`crash test could not run: ${error.stack ?? error}`);
  console.error(`database and logs kept in ${work}`);
  process.exit(2);
});
