// Starts the real server in sandbox mode on a free port, serving the widget's release build, and
// a headless Chromium driven through playwright-core; `startWebKit` starts WebKit (Safari's
// engine) through WebKitGTK's WebDriver under a virtual display.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
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
export async function startDemo({ live = false, env = {}, chromium: withChromium = true } = {}) {
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
      // The size build by default; scripts/test also runs journeys on the fallback build's.
      WIDGET_DIR: resolve(root, process.env.E2E_WIDGET_DIR ?? 'dist'),
      SANDBOX_SETTLE_DELAY_MS: '1000',
      RUST_LOG: process.env.RUST_LOG ?? 'warn',
      // The journeys pay faster than any shopper from one address; the limits have tests of their own.
      RATE_LIMIT_PER_CLIENT_PER_MINUTE: '0',
      // This run's own, in both modes: live mode refuses every value written in the repository.
      ADMIN_TOKEN,
      ...providers,
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitUntilUp(`${base}/widget/checkout.js`, server);
  // `chromium: false` for tests that drive another browser (e2e/webkit.test.mjs).
  const browser = withChromium
    ? await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS })
    : null;
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
    /**
     * What the widget keeps in the page's `localStorage`, as `{key: parsed value}`, checked to
     * be what resume reads and nothing else: the payment id, its secret, the order, when.
     */
    async storageLeft(page) {
      const kept = await page.evaluate(() =>
        Object.keys(localStorage)
          .filter((key) => key.startsWith('checkout-widget:'))
          .map((key) => [key, localStorage.getItem(key)]),
      );
      const entries = Object.fromEntries(kept.map(([key, value]) => [key, JSON.parse(value)]));
      for (const [key, value] of Object.entries(entries)) {
        assert.deepEqual(Object.keys(value).sort(), ['client_secret', 'order', 'payment_id', 'saved_at'], key);
      }
      return entries;
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
      await browser?.close();
      server.kill('SIGTERM');
      sandbox?.process.kill('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable called `name` on PATH, or null. */
function onPath(name) {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  return dirs.map((dir) => join(dir, name)).find(isExecutable) ?? null;
}

/** WebKitGTK's MiniBrowser, which WebKitWebDriver starts for each session (`webkit2gtk-driver`). */
function miniBrowser() {
  if (process.env.WEBKIT_MINIBROWSER) return process.env.WEBKIT_MINIBROWSER;
  const libs = readdirSync('/usr/lib').filter((dir) => dir.endsWith('-linux-gnu')).map((dir) => join('/usr/lib', dir));
  for (const lib of [...libs, '/usr/libexec', '/usr/lib']) {
    for (const api of ['webkit2gtk-4.1', 'webkit2gtk-4.0']) {
      const candidate = join(lib, api, 'MiniBrowser');
      if (existsSync(candidate)) return candidate;
    }
  }
  return null;
}

function readTail(path) {
  try {
    return readFileSync(path, 'utf8').slice(-4000);
  } catch {
    return '';
  }
}

const SETUP_HINT = 'run scripts/setup, which installs webkit2gtk-driver, xvfb and selenium-webdriver';

/**
 * WebKit, Safari's engine: WebKitWebDriver on a free port under a virtual display (xvfb-run), and a
 * W3C WebDriver client (selenium-webdriver). Resolves once the driver answers `/status`; throws,
 * naming scripts/setup, when a piece is missing. `newSession()` opens a MiniBrowser window of
 * 360×740 CSS pixels (a phone's viewport) and answers a selenium driver: `quit()` it when done.
 * `stop()` ends the driver, its browsers and the virtual display (so does the process's exit).
 */
export async function startWebKit() {
  const driverBinary = process.env.WEBKIT_WEBDRIVER ?? onPath('WebKitWebDriver');
  if (!driverBinary || !isExecutable(driverBinary)) {
    throw new Error(`WebKitWebDriver is not installed (${driverBinary ?? 'not on PATH'}): ${SETUP_HINT}`);
  }
  const xvfbRun = onPath('xvfb-run');
  if (!xvfbRun) throw new Error(`xvfb-run is not installed: ${SETUP_HINT}`);
  const browserBinary = miniBrowser();
  if (!browserBinary || !isExecutable(browserBinary)) throw new Error(`WebKitGTK's MiniBrowser was not found: ${SETUP_HINT}`);
  let selenium;
  try {
    selenium = require('selenium-webdriver');
  } catch {
    throw new Error(`selenium-webdriver is not installed in .tools: ${SETUP_HINT}`);
  }

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'checkout-webkit-'));
  const authFile = join(dir, 'Xauthority');
  writeFileSync(authFile, '');
  // MiniBrowser's toolbar holds its window at least 447 pixels wide; this style sheet for its GTK
  // widgets (the browser's own frame, never the page) lets the window narrow to a phone's width.
  mkdirSync(join(dir, 'gtk-3.0'));
  writeFileSync(
    join(dir, 'gtk-3.0', 'gtk.css'),
    'headerbar, toolbar, .toolbar, entry, button { min-width: 0; }\nheaderbar, toolbar, .toolbar, button { padding: 0; }\n',
  );
  // A process group of its own (detached), so that stop() ends xvfb-run, Xvfb, the driver and
  // the browsers it started together, and nothing is left behind.
  const child = spawn(
    xvfbRun,
    ['-a', '-f', authFile, '-e', join(dir, 'xvfb.log'), '-s', '-screen 0 1280x1024x24', driverBinary, `--port=${port}`, '--host=127.0.0.1'],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, XDG_CONFIG_HOME: dir } },
  );
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let stopped = false;
  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const groupAlive = () => {
    try {
      process.kill(-child.pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  // The group is detached from the terminal's, so a Ctrl-C or the test runner's SIGTERM would
  // not reach it: end it on the way out too, then let the signal do what it would have done.
  const onExit = () => {
    killGroup('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (signal) => {
    onExit();
    unlisten();
    process.kill(process.pid, signal);
  };
  const unlisten = () => {
    process.removeListener('exit', onExit);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  };
  process.once('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  async function stop() {
    if (stopped) return;
    stopped = true;
    unlisten();
    // SIGTERM lets Xvfb remove its lock file; whatever is still there after 5 s is killed.
    killGroup('SIGTERM');
    for (let waited = 0; waited < 5000 && groupAlive(); waited += 50) {
      await new Promise((done) => setTimeout(done, 50));
    }
    if (groupAlive()) killGroup('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }

  // The driver is ready when its /status says so: up to 20 s.
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const xvfbLog = readTail(join(dir, 'xvfb.log'));
      await stop();
      throw new Error(`WebKitWebDriver exited (${child.exitCode ?? child.signalCode}) before answering:\n${output}${xvfbLog}`);
    }
    try {
      const status = await (await fetch(`${url}/status`, { signal: AbortSignal.timeout(2000) })).json();
      if (status?.value?.ready) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`WebKitWebDriver did not answer ${url}/status within 20 s:\n${output}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }

  return {
    url,
    /** selenium-webdriver's locators (`By.css(…)`). */
    By: selenium.By,
    /** A new browser session (its own MiniBrowser, empty storage) with a phone-sized viewport. */
    async newSession({ width = 360, height = 740 } = {}) {
      const driver = await new selenium.Builder()
        .usingServer(url)
        .withCapabilities({
          browserName: 'MiniBrowser',
          'webkitgtk:browserOptions': { binary: browserBinary, args: ['--automation'] },
        })
        .build();
      try {
        // No command waits for ever: a page loads within 20 s, a script answers within 10 s.
        await driver.manage().setTimeouts({ pageLoad: 20_000, script: 10_000 });
        // The window is the viewport plus the browser's own frame: size it, then correct by what
        // the page measures, so that the page sees width × height CSS pixels.
        const window = driver.manage().window();
        await window.setRect({ width, height });
        const inner = await driver.executeScript('return [window.innerWidth, window.innerHeight]');
        if (inner[0] !== width || inner[1] !== height) {
          await window.setRect({ width: width + (width - inner[0]), height: height + (height - inner[1]) });
        }
        const [innerWidth, innerHeight] = await driver.executeScript('return [window.innerWidth, window.innerHeight]');
        /** What the driver allowed: the page's viewport in CSS pixels. */
        driver.viewport = { width: innerWidth, height: innerHeight };
      } catch (error) {
        await driver.quit().catch(() => {});
        throw error;
      }
      return driver;
    },
    stop,
    /** The driver's recent output, for a failing test's message. */
    output: () => output,
  };
}
