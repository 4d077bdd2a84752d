// The widget in headless Chromium: first-load bytes, time to interactive (against a bare yew
// app's, and on an emulated phone), memory, and the HTTP requests of each payment flow, against a
// sandbox server on loopback.
// Usage: node bench/browser.mjs BASE_URL DIST_DIR OUT.json [LOADS] [ROUNDS] [PHONE_LOADS]
// BASE_URL serves the widget at /widget/ and the bare yew app at /widget/bare/; sandbox mode
// with SANDBOX_SETTLE_DELAY_MS=0.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, brotliCompressSync, constants as zlib } from 'node:zlib';

const here = fileURLToPath(new URL('.', import.meta.url));
const { chromium } = await import(join(here, '../.tools/node_modules/playwright-core/index.mjs'));

const [base, distDir, outPath, loadsArg, roundsArg, phoneLoadsArg] = process.argv.slice(2);
const LOADS = Number(loadsArg ?? 25);
const PHONE_LOADS = Number(phoneLoadsArg ?? 15);
// Time to interactive is measured in rounds of LOADS loads, a few seconds apart: on a shared
// machine each round's median shows how much the machine itself moved during the run.
const ROUNDS = Number(roundsArg ?? 3);
const page_url = (order) => `${base}/widget/?order=${order}`;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});

// Runs in every page before its own scripts. Records when the widget is ready: its `ready`
// event (dispatched on the mount element, composed) and its Pay button rendered, in the page or
// in the shadow root the loader attaches; the wasm compiled (`new WebAssembly.Module`, the
// loader's way) and its instance (its `memory` export), caught where the wasm-bindgen glue instantiates it, at
// once (`new WebAssembly.Instance`, the loader's way) or in a promise (the bare app's).
const probe = () => {
  const bench = (window.__bench = {});
  const settle = () => {
    if (bench.readyEvent !== undefined && bench.payRendered !== undefined && bench.ready === undefined) {
      bench.ready = Math.max(bench.readyEvent, bench.payRendered);
    }
  };
  addEventListener('ready', () => { bench.readyEvent ??= performance.now(); settle(); }, true);
  const watch = (root) =>
    new MutationObserver((_, observer) => {
      if (root.querySelector('.cw-pay')) {
        bench.payRendered ??= performance.now();
        observer.disconnect();
        settle();
      }
    }).observe(root, { childList: true, subtree: true });
  watch(document);
  const attachShadow = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attachShadow.call(this, init);
    watch(root);
    return root;
  };
  const Module = WebAssembly.Module;
  WebAssembly.Module = function (bytes) {
    const module = new Module(bytes);
    bench.wasmCompiled ??= performance.now();
    return module;
  };
  WebAssembly.Module.prototype = Module.prototype;
  Object.assign(WebAssembly.Module, { customSections: Module.customSections, exports: Module.exports, imports: Module.imports });
  const Instance = WebAssembly.Instance;
  WebAssembly.Instance = function (module, imports) {
    const instance = new Instance(module, imports);
    bench.wasmStarted = performance.now();
    window.__benchWasm = instance.exports;
    return instance;
  };
  WebAssembly.Instance.prototype = Instance.prototype;
  for (const name of ['instantiate', 'instantiateStreaming']) {
    const original = WebAssembly[name];
    WebAssembly[name] = function (...args) {
      return original.apply(this, args).then((result) => {
        bench.wasmStarted = performance.now();
        window.__benchWasm = (result.instance ?? result).exports;
        return result;
      });
    };
  }
};

async function freshPage() {
  const context = await browser.newContext();
  await context.addInitScript(probe);
  const page = await context.newPage();
  return { context, page };
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const round = (x, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

// --- First-load bytes: what the demo page requests, sized from dist/ ------------------------
async function firstLoad(lang) {
  const { context, page } = await freshPage();
  const requests = [];
  page.on('requestfinished', async (request) => {
    const sizes = await request.sizes().catch(() => null);
    requests.push({ url: request.url(), type: request.resourceType(), transferred: Math.max(0, sizes?.responseBodySize ?? 0) }); // < 0 when from the cache
  });
  await page.goto(page_url('demo-dz') + (lang ? `&lang=${lang}` : ''));
  await page.waitForFunction(() => window.__bench.ready);
  await page.waitForTimeout(300);
  await context.close();
  const files = new Map();
  const other = [];
  for (const request of requests) {
    const path = new URL(request.url).pathname;
    const name = path.startsWith('/widget/') ? path.slice('/widget/'.length) : null;
    if (name && request.type !== 'document') {
      // A file the page asks for twice (the demo page styles itself with the widget's CSS,
      // which the loader fetches again for the shadow root) counts once in the sizes.
      const seen = files.get(name);
      if (seen) {
        seen.requests += 1;
        seen.transferred += request.transferred;
        continue;
      }
      const raw = readFileSync(join(distDir, name));
      files.set(name, {
        file: name,
        requests: 1,
        raw: raw.length,
        gzip: gzipSync(raw, { level: 9 }).length,
        brotli: brotliCompressSync(raw, {
          params: { [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length },
        }).length,
        transferred: request.transferred,
      });
    } else {
      other.push({ path: path + new URL(request.url).search, type: request.type, transferred: request.transferred });
    }
  }
  return { files: [...files.values()], other };
}

// --- Time to interactive over cold loads (a fresh context, so empty caches, each time) -------
// Each widget load is followed by one of the bare yew app (bench/bare-yew, built like the widget,
// served beside it): the ratio of the two is the widget's own cost, whatever the machine.
async function timeToInteractive() {
  const samples = [];
  const bare = [];
  const roundMedians = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r > 0) await new Promise((resolve) => setTimeout(resolve, 3000));
    const round_ = await ttiRound();
    roundMedians.push(round(percentile(round_.widget.map((s) => s.ready - s.loaderStart), 50)));
    samples.push(...round_.widget);
    bare.push(...round_.bare);
  }
  const fromNavigation = samples.map((s) => s.ready);
  const fromScript = samples.map((s) => s.ready - s.loaderStart);
  const stats = (values) => ({
    median: round(percentile(values, 50)), p90: round(percentile(values, 90)), max: round(Math.max(...values)),
  });
  return {
    loads: samples.length,
    rounds: roundMedians,
    fromNavigation: stats(fromNavigation),
    fromScript: stats(fromScript),
    // Medians from navigation start of where the time goes, the widget's and the bare app's.
    steps: medians(samples, ['loaderStart', 'assetsLoaded', 'wasmCompiled', 'wasmStarted', 'checkoutAnswered', 'readyEvent', 'payRendered']),
    bareSteps: medians(bare, ['assetsLoaded', 'wasmStarted', 'payRendered']),
    // Navigation start → Pay rendered, the widget's against the bare yew app's.
    payRendered: { widget: stats(samples.map((s) => s.payRendered)), bare: stats(bare.map((s) => s.payRendered)) },
  };
}

const medians = (samples, keys) =>
  Object.fromEntries(keys.map((key) => [key, round(percentile(samples.map((s) => s[key]), 50))]));

// One round: a warm-up load of each, then LOADS measured ones of each, in turns.
async function ttiRound() {
  const samples = [];
  const bare = [];
  for (let i = 0; i <= LOADS; i++) {
    const sample = await widgetLoad();
    const bareSample = await bareLoad();
    if (i > 0) { // the first loads only warm up the browser process
      samples.push(sample);
      bare.push(bareSample);
    }
  }
  return { widget: samples, bare };
}

// A mid-range Android phone on a mobile network, as Chromium emulates one: the CPU 4× slower,
// 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trips.
const PHONE = { cpu: 4, latency: 150, down: 1.6e6 / 8, up: 750e3 / 8 };

async function emulatePhone(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: PHONE.cpu });
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: PHONE.latency, downloadThroughput: PHONE.down, uploadThroughput: PHONE.up,
  });
}

// The bare yew app, cold: when its files arrived, its wasm was instantiated and its Pay button
// rendered, from navigation start.
async function bareLoad({ phone = false } = {}) {
  const { context, page } = await freshPage();
  if (phone) await emulatePhone(page);
  await page.goto(`${base}/widget/bare/`);
  await page.waitForFunction(() => window.__bench.payRendered, null, { timeout: 60_000 });
  const sample = await page.evaluate(() => {
    const assets = performance.getEntriesByType('resource').filter((entry) => entry.name.includes('/widget/bare/'));
    const bench = window.__bench;
    return {
      assetsLoaded: Math.max(...assets.map((entry) => entry.responseEnd)),
      wasmStarted: bench.wasmStarted,
      payRendered: bench.payRendered,
    };
  });
  await context.close();
  return sample;
}

// The widget, cold: when each step happened, from navigation start.
async function widgetLoad({ phone = false } = {}) {
  const { context, page } = await freshPage();
  if (phone) await emulatePhone(page);
  await page.goto(page_url('demo-dz'));
  await page.waitForFunction(() => window.__bench.ready, null, { timeout: 60_000 });
  const sample = await page.evaluate(() => {
    const resources = performance.getEntriesByType('resource');
    // The merchant's page inserts the loader script; the wasm-bindgen glue if there is none.
    const loader = resources.find((entry) => /\/checkout\.js$/.test(entry.name)) ??
      resources.find((entry) => entry.name.endsWith('.js'));
    const assets = resources.filter((entry) => entry.name.includes('/widget/'));
    const checkout = resources.find((entry) => entry.name.includes('/api/v1/checkout'));
    const bench = window.__bench;
    return {
      ready: bench.ready,
      loaderStart: loader?.startTime ?? 0,
      assetsLoaded: Math.max(...assets.map((entry) => entry.responseEnd)),
      wasmCompiled: bench.wasmCompiled,
      wasmStarted: bench.wasmStarted,
      checkoutAnswered: checkout?.responseEnd ?? 0,
      readyEvent: bench.readyEvent,
      payRendered: bench.payRendered,
    };
  });
  await context.close();
  return sample;
}

// The emulated phone: PHONE_LOADS cold loads of each, in turns, after a warm-up of each; time to
// interactive is the widget's `ready` and the bare app's Pay button.
async function phone() {
  const widget = [];
  const bare = [];
  for (let i = 0; i <= PHONE_LOADS; i++) {
    const sample = await widgetLoad({ phone: true });
    const bareSample = await bareLoad({ phone: true });
    if (i > 0) {
      widget.push(sample.ready);
      bare.push(bareSample.payRendered);
    }
  }
  const median = (values) => round(percentile(values, 50));
  return { loads: widget.length, ...PHONE, widget: median(widget), bare: median(bare) };
}

// --- Payment flows ------------------------------------------------------------------------
// Counts the requests a page makes from the Pay click to the final step; polls are the
// GETs of /api/v1/payments/{id}, with their start times.
function recorder(page) {
  const log = [];
  page.context().on('request', (request) => {
    const url = new URL(request.url());
    log.push({ at: Date.now(), method: request.method(), path: url.pathname });
  });
  return log;
}
const isApi = (r) => r.path.startsWith('/api/');
const isPoll = (r) => r.method === 'GET' && /^\/api\/v1\/payments\/[^/]+$/.test(r.path);
const summarize = (log) => {
  const counts = {};
  for (const r of log) {
    const path = r.path.split('/').map((part) => (/\d/.test(part) && !/^v\d$/.test(part) ? '{id}' : part)).join('/');
    const key = r.path.startsWith('/widget/') ? 'widget page and assets' : `${r.method} ${path}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return { total: log.length, api: log.filter(isApi).length, polls: log.filter(isPoll).length, counts };
};
const step = (page, name, timeout = 20_000) =>
  page.waitForSelector(`section.cw[data-step="${name}"]`, { timeout });

async function metrics(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const heap = metrics.find((m) => m.name === 'JSHeapUsedSize').value;
  const wasm = await page.evaluate(() => window.__benchWasm?.memory?.buffer.byteLength ?? null);
  await cdp.detach();
  return { jsHeapUsed: heap, wasmMemory: wasm };
}

async function openWidget(order) {
  const { context, page } = await freshPage();
  await page.goto(page_url(order));
  await page.waitForFunction(() => window.__bench.ready);
  return { context, page };
}

async function yassir(phone, finalStep, { otp } = {}) {
  const { context, page } = await openWidget('demo-dz');
  const afterMount = await metrics(page);
  const log = recorder(page);
  const started = Date.now();
  await page.fill('[id$="-yassir-phone"]', phone);
  await page.click('.cw-pay');
  if (otp) {
    await page.waitForSelector('#code', { timeout: 20_000 }); // the sandbox OTP page
    await page.fill('#code', otp);
    await page.click('button[value="verify"]'); // back to the widget page, which resumes the payment
  }
  await step(page, finalStep);
  const seconds = (Date.now() - started) / 1000;
  const afterPayment = await metrics(page);
  await context.close();
  return { ...summarize(log), seconds: round(seconds), afterMount, afterPayment };
}

// The sandbox phone: the waiting prompt of `msisdn`, as the shopper's phone would show it.
async function promptFor(msisdn) {
  for (let i = 0; i < 100; i++) {
    const response = await fetch(`${base}/sandbox/yabetoo/phone/prompts?msisdn=${msisdn}`, {
      headers: { Accept: 'application/json' },
    });
    const [prompt] = await response.json();
    if (prompt) return prompt.intentId;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no sandbox prompt for ${msisdn}`);
}
async function approve(intentId) {
  const response = await fetch(`${base}/sandbox/yabetoo/phone/prompts/${intentId}/approve`, {
    method: 'POST', headers: { Accept: 'application/json', 'Content-Type': 'application/json' }, body: '{}',
  });
  if (!response.ok) throw new Error(`approve ${intentId}: HTTP ${response.status}`);
}

async function startMobileMoney(msisdn) {
  const { context, page } = await openWidget('demo-cg');
  const log = recorder(page);
  const started = Date.now();
  await page.fill('[id$="-msisdn"]', msisdn);
  await page.click('.cw-pay');
  await step(page, 'awaiting-approval');
  const intentId = await promptFor(msisdn);
  return { context, page, log, started, intentId };
}

// Approved on the phone 10 s after the widget starts waiting; the polling rate is over the wait.
async function mobileMoneyApproved(msisdn, waitMs = 10_000) {
  const { context, page, log, started, intentId } = await startMobileMoney(msisdn);
  const waitFrom = Date.now();
  await page.waitForTimeout(waitMs);
  const waitTo = Date.now();
  await approve(intentId);
  await step(page, 'succeeded');
  const seconds = (Date.now() - started) / 1000;
  await context.close();
  const pollsWaiting = log.filter((r) => isPoll(r) && r.at >= waitFrom && r.at < waitTo).length;
  return { ...summarize(log), seconds: round(seconds), pollsWaiting, waitSeconds: (waitTo - waitFrom) / 1000 };
}

// Hidden page: document.hidden / visibilityState overridden and `visibilitychange` dispatched
// (headless Chromium shows every page as visible, so this is an emulation of the Page
// Visibility API that the widget reads, not a real background tab).
async function mobileMoneyHidden(msisdn, hiddenMs = 10_000) {
  const { context, page, log, intentId } = await startMobileMoney(msisdn);
  await page.waitForTimeout(2_000);
  const setHidden = (hidden) =>
    page.evaluate((hidden) => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
      document.dispatchEvent(new Event('visibilitychange'));
    }, hidden);
  await setHidden(true);
  const hiddenFrom = Date.now();
  await page.waitForTimeout(hiddenMs);
  const hiddenTo = Date.now();
  await setHidden(false);
  const resumeDeadline = Date.now() + 3_000;
  while (Date.now() < resumeDeadline && !log.some((r) => isPoll(r) && r.at >= hiddenTo)) await page.waitForTimeout(50);
  const resumed = log.find((r) => isPoll(r) && r.at >= hiddenTo);
  await approve(intentId);
  await step(page, 'succeeded');
  await context.close();
  return {
    hiddenSeconds: (hiddenTo - hiddenFrom) / 1000,
    pollsHidden: log.filter((r) => isPoll(r) && r.at > hiddenFrom && r.at < hiddenTo).length,
    resumedAfterMs: resumed ? resumed.at - hiddenTo : null,
  };
}

const result = {};
result.bytes = await firstLoad();
// Arabic, the largest of the texts files the widget fetches for a shopper not reading English.
result.bytesArabic = await firstLoad('ar');
result.tti = await timeToInteractive();
result.phone = await phone();
result.flows = {
  yassirSuccess: await yassir('+213555000002', 'succeeded'),
  yassirOtp: await yassir('+213555000001', 'succeeded', { otp: '123456' }),
  yassirRejected: await yassir('+213555000003', 'rejected'),
  mobileMoney: await mobileMoneyApproved('242066594470'),
};
result.hidden = await mobileMoneyHidden('242066594471');
await browser.close();
writeFileSync(outPath, JSON.stringify(result, null, 2));
