// Starts the real server in sandbox mode on a free port, serving the widget's release build, and
// a headless Chromium driven through playwright-core.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(join(root, '.tools', 'package.json'));
const { chromium } = require('playwright-core');

export const ADMIN_TOKEN = 'admin_test_token';

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

async function waitUntilUp(base, server) {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    try {
      const response = await fetch(`${base}/api/v1/checkout?order=demo-dz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error('the server did not start within 20 s');
}

/** The demo server, a browser, and helpers a shopper's test needs. */
export async function startDemo() {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'checkout-e2e-'));
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
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitUntilUp(base, server);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });

  return {
    base,
    browser,
    async newPage() {
      const context = await browser.newContext({ locale: 'en-US' });
      return context.newPage();
    },
    async admin(path) {
      const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      return response.json();
    },
    async paymentsFor(order) {
      const { payments } = await this.admin(`/api/v1/admin/payments?order=${order}`);
      return payments;
    },
    /** Answers the prompt waiting for `msisdn` on the sandbox phone, as the shopper would. */
    async answerPhone(msisdn, answer = 'approve') {
      for (let attempt = 0; attempt < 100; attempt++) {
        const prompts = await (await fetch(`${base}/sandbox/yabetoo/phone/prompts`)).json();
        const prompt = prompts.find((p) => p.msisdn.replace('+', '') === msisdn);
        if (prompt) {
          const response = await fetch(`${base}/sandbox/yabetoo/phone/prompts/${prompt.intentId}/${answer}`, {
            method: 'POST',
            headers: { accept: 'application/json' },
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
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
