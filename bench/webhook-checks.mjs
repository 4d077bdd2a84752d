// Provider checks per payment, with and without the providers' webhooks: Yassir Cash payments
// whose shopper leaves on the OTP page and confirms the code later, elsewhere, so that no widget
// polls. Without webhooks only reconcile finds the outcome; with them the sandbox's notification
// prompts one check, and reconcile waits longer before its first. Counts come from the sandbox
// (each intent's `checks`).
//   node bench/webhook-checks.mjs SERVER_BINARY PORT OUT.md [PAYMENTS]

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [binary, portText, out, paymentsText = '20'] = process.argv.slice(2);
const port = Number(portText);
const payments = Number(paymentsText);
const base = `http://127.0.0.1:${port}`;
const ADMIN = { authorization: 'Bearer admin_test_token', 'content-type': 'application/json' };
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

async function startServer(env) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-webhooks-'));
  const server = spawn(binary, [], {
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: join(dir, 'bench.sqlite3'),
      RATE_LIMIT_PER_CLIENT_PER_MINUTE: '0',
      RECONCILE_INTERVAL_MS: '250',
      WIDGET_DIR: '/nonexistent',
      RUST_LOG: 'error',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      if ((await fetch(`${base}/api/v1/checkout?order=demo-dz`)).ok) return { server, dir };
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  throw new Error('the server did not start');
}

async function pay(index) {
  const created = await (await fetch(`${base}/api/v1/payments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `bench-${index}-${Date.now()}` },
    body: JSON.stringify({ order: 'demo-dz', method: 'yassir_cash', phone: `+21355510${String(index).padStart(4, '0')}` }),
  })).json();
  const submitted = await (await fetch(`${base}/api/v1/payments/${created.id}/submit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'client-secret': created.client_secret },
    body: JSON.stringify({ type: 'yassir_cash' }),
  })).json();
  return { id: created.id, payUrl: submitted.next_action.url };
}

// The CSRF token in the OTP page's form, as the shopper's browser has it.
async function otpToken(payUrl) {
  const html = await (await fetch(payUrl)).text();
  return html.match(/name="csrf" value="([^"]*)"/)?.[1] ?? '';
}

async function confirmOtp(payUrl) {
  const url = new URL(payUrl);
  const csrf = await otpToken(payUrl);
  const form = new URLSearchParams({ requestId: url.searchParams.get('requestId'), code: '123456', action: 'verify', csrf });
  await fetch(`${url.origin}${url.pathname}`, { method: 'POST', body: form, redirect: 'manual' });
}

async function run(label, env) {
  const { server, dir } = await startServer(env);
  try {
    const started = [];
    for (let index = 0; index < payments; index++) started.push(await pay(index));
    const begun = Date.now();
    // Each shopper confirms 2 to 10 seconds later; the payments are watched meanwhile.
    const confirmed = new Map();
    const settledAt = new Map();
    const confirming = Promise.all(started.map(async ({ id, payUrl }, index) => {
      await sleep(2_000 + (8_000 * index) / Math.max(1, payments - 1));
      await confirmOtp(payUrl);
      confirmed.set(id, Date.now());
    }));
    while (settledAt.size < payments && Date.now() - begun < 120_000) {
      const { payments: records } = await (await fetch(`${base}/api/v1/admin/payments?limit=1000`, { headers: ADMIN })).json();
      for (const record of records) {
        if (record.status === 'succeeded' && !settledAt.has(record.id)) settledAt.set(record.id, Date.now());
      }
      await sleep(50);
    }
    await confirming;
    const { intents } = await (await fetch(`${base}/sandbox/intents?provider=yassir`)).json();
    const checks = intents.map((intent) => intent.checks);
    const lag = [...settledAt].map(([id, at]) => (at - confirmed.get(id)) / 1000);
    const mean = (values) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
    return {
      label,
      settled: settledAt.size,
      checks: mean(checks),
      maxChecks: Math.max(...checks),
      lag: mean(lag),
    };
  } finally {
    server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

const without = await run('without webhooks (reconcile alone)', { SANDBOX_WEBHOOKS: 'off' });
await sleep(500);
const withHooks = await run('with provider webhooks', {});
const rows = [without, withHooks].map((result) =>
  `| ${result.label} | ${result.settled}/${payments} | ${result.checks.toFixed(2)} | ${result.maxChecks} | ${result.lag.toFixed(2)} s |`);
const table = [
  '',
  `### Provider checks per payment (${payments} Yassir Cash payments, OTP confirmed 2 to 10 s later with no widget open)`,
  '',
  '| | settled | checks per payment (mean) | most checks of one | confirmation to settled (mean) |',
  '|---|---|---|---|---|',
  ...rows,
  '',
].join('\n');
writeFileSync(out, table);
console.log(table);
