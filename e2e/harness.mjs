// Starts the real server in sandbox mode on a free port, serving the widget's release build, and
// a headless Chromium driven through playwright-core.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(join(root, '.tools', 'package.json'));
const { chromium } = require('playwright-core');

// Secrets of this run's own: live mode refuses every value written in the repository.
export const ADMIN_TOKEN = `e2e_${randomBytes(24).toString('base64url')}`;
const ORDER_SIGNING_SECRET = `e2e_${randomBytes(32).toString('base64url')}`;

/** What a merchant's live deployment is given by the providers (here, by the sandbox in their place). */
const LIVE_CREDENTIALS = {
  yassirClientId: 'merchant_client',
  yassirClientSecret: 'merchant_client_secret',
  yabetooSecretKey: 'sk_live_merchant_key',
};

/** Where screenshots go: kept as test artifacts, never committed. */
export const ARTIFACTS = join(root, 'test-artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

function freePort() {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
  });
}

async function waitUntilUp(url, server) {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (server.exitCode !== null) throw new Error(`${url} exited with ${server.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`${url} did not answer within 20 s`);
}

/** The sandbox as its own process, as a provider is in production. */
async function startSandbox() {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const binary = process.env.CHECKOUT_SANDBOX_BIN ?? join(root, 'target', 'debug', 'checkout-sandbox');
  const sandbox = spawn(binary, [], {
    cwd: root,
    env: {
      ...process.env,
      SANDBOX_PORT: String(port),
      SANDBOX_SETTLE_DELAY_MS: '1000',
      RUST_LOG: 'warn',
      // The credentials the providers issue a merchant; a live server refuses the sandbox's own.
      SANDBOX_YASSIR_CLIENT_ID: LIVE_CREDENTIALS.yassirClientId,
      SANDBOX_YASSIR_CLIENT_SECRET: LIVE_CREDENTIALS.yassirClientSecret,
      SANDBOX_YABETOO_SECRET_KEY: LIVE_CREDENTIALS.yabetooSecretKey,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitUntilUp(`${base}/sandbox/faults`, sandbox);
  return { base, process: sandbox };
}

/**
 * The server, a browser, and helpers a shopper's test needs. By default the demo: sandbox mode
 * with the embedded sandbox. `live: true` runs the server in live mode, with every variable a
 * production deployment sets, against the sandbox running as its own process in the providers'
 * place; `env` adds or overrides variables.
 */
export async function startDemo({ live = false, env = {} } = {}) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'checkout-e2e-'));
  const sandbox = live ? await startSandbox() : null;
  const providers = live
    ? {
        PROVIDER_MODE: 'live',
        YASSIR_BASE_URL: `${sandbox.base}/sandbox/yassir`,
        YASSIR_CLIENT_ID: LIVE_CREDENTIALS.yassirClientId,
        YASSIR_CLIENT_SECRET: LIVE_CREDENTIALS.yassirClientSecret,
        YASSIR_SERVICE: 'EXT_DEMO_SHOP',
        YABETOO_BASE_URL: `${sandbox.base}/sandbox/yabetoo`,
        YABETOO_SECRET_KEY: LIVE_CREDENTIALS.yabetooSecretKey,
        ADMIN_TOKEN,
        ORDER_SIGNING_SECRET,
        REDIRECT_ORIGINS: sandbox.base,
      }
    : {};
  const binary = process.env.CHECKOUT_SERVER_BIN ?? join(root, 'target', 'debug', 'checkout-server');
  const server = spawn(binary, [], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: join(dataDir, 'checkout.sqlite3'),
      WIDGET_DIR: join(root, 'dist'),
      SANDBOX_SETTLE_DELAY_MS: '1000',
      RUST_LOG: process.env.RUST_LOG ?? 'warn',
      // The journeys pay faster than any shopper from one address; the limits have tests of their own.
      RATE_LIMIT_PER_CLIENT_PER_MINUTE: '0',
      ADMIN_TOKEN,
      ...providers,
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitUntilUp(`${base}/widget/checkout.js`, server);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const providerBase = sandbox ? sandbox.base : base;

  return {
    base,
    /** Where the providers (the sandbox) answer. */
    providerBase,
    browser,
    async newPage() {
      const context = await browser.newContext({ locale: 'en-US' });
      return context.newPage();
    },
    async admin(path, body) {
      const response = await fetch(`${base}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return response.json();
    },
    /** Signs an order as the merchant's backend would, through the admin API. */
    async orderToken(order) {
      const answer = await this.admin('/api/v1/admin/order-tokens', order);
      if (!answer.token) throw new Error(`no token: ${JSON.stringify(answer)}`);
      return answer.token;
    },
    /** The payments of an order, or of every checkout of a demo product (`demo-dz-…`). */
    async paymentsFor(order) {
      const { payments } = await this.admin('/api/v1/admin/payments?limit=1000');
      return payments.filter((p) => p.order === order || p.order.startsWith(`${order}-`));
    },
    /** Answers the prompt waiting for `msisdn` on the sandbox phone, as the shopper would. */
    async answerPhone(msisdn, answer = 'approve') {
      for (let attempt = 0; attempt < 100; attempt++) {
        const prompts = await (await fetch(`${providerBase}/sandbox/yabetoo/phone/prompts`)).json();
        const prompt = prompts.find((p) => p.msisdn.replace('+', '') === msisdn);
        if (prompt) {
          const response = await fetch(`${providerBase}/sandbox/yabetoo/phone/prompts/${prompt.intentId}/${answer}`, {
            method: 'POST',
            headers: { accept: 'application/json', 'content-type': 'application/json' },
            body: '{}',
          });
          if (!response.ok) throw new Error(`the phone refused: ${response.status}`);
          return;
        }
        await new Promise((done) => setTimeout(done, 100));
      }
      throw new Error(`no prompt reached the phone of ${msisdn}`);
    },
    async stop() {
      await browser.close();
      server.kill('SIGTERM');
      sandbox?.process.kill('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
