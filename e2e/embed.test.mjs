// A merchant's developer embedding the widget: by script tag, by the JS API and as a custom
// element; its events and their payloads; isolation from hostile page CSS; several widgets on one
// page; and screenshots of the example pages in each language.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS as artifacts, startDemo } from './harness.mjs';

let demo;
before(async () => {
  demo = await startDemo();
});
after(async () => {
  await demo?.stop();
});

const EVENT_TYPES = ['ready', 'change', 'submit', 'requires_action', 'success', 'failure', 'error'];

/** Serves `body` as a merchant page on the demo's origin, so the widget's API calls are same-origin. */
async function merchantPage(body, { head = '', headers = {}, beforeLoad } = {}) {
  const page = await demo.newPage();
  if (beforeLoad) await beforeLoad(page);
  const url = `${demo.base}/merchant-test-page.html`;
  await page.route(url, (route) =>
    route.fulfill({
      contentType: 'text/html; charset=utf-8',
      headers,
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Merchant checkout</title>${head}</head>
<body><main><h1>Checkout</h1>${body}</main></body></html>`,
    }),
  );
  await page.goto(url);
  return page;
}

/** Records every widget event fired on `selector` into window.events. */
function recordEvents(selector) {
  return `<script>
window.events = [];
const host = document.querySelector(${JSON.stringify(selector)});
for (const type of ${JSON.stringify(EVENT_TYPES)}) {
  host.addEventListener(type, (event) => window.events.push({ type, detail: event.detail }));
}
</script>`;
}

async function events(page) {
  return page.evaluate(() => window.events);
}

async function payWithWallet(page, phone) {
  await page.locator('input[type="tel"]').first().fill(phone);
  await page.locator('button[type="submit"]').first().click();
}

async function waitForEvent(page, type) {
  await page.waitForFunction((wanted) => window.events.some((event) => event.type === wanted), type, { timeout: 20_000 });
}

/** Event types in order, with repeated `change`s folded into one. */
function sequence(list) {
  return list.map((event) => event.type).filter((type, index, all) => type !== 'change' || all[index - 1] !== 'change');
}

/** Records the URLs `page` asks for into the returned list, from before its first load. */
function requestsOf(list) {
  return async (page) => page.on('request', (request) => list.push(request.url()));
}

const orderRequests = (urls) => urls.filter((url) => url.includes('/api/v1/checkout?'));

test('a script tag alone mounts the widget and a payment succeeds', async () => {
  const urls = [];
  const page = await merchantPage(
    `<div id="pay"></div>
<script src="/widget/checkout.js" data-target="#pay" data-order="demo-dz" data-lang="en" async></script>`,
    { beforeLoad: requestsOf(urls) },
  );
  await page.getByText('Couscous kit and tea set (Algiers)').waitFor();
  assert.equal(orderRequests(urls).length, 1, 'the order is asked for once, early, and the widget takes that answer');
  const inShadow = await page.evaluate(() => {
    const host = document.querySelector('#pay');
    const hosts = [host, ...host.querySelectorAll('*')];
    return hosts.some((element) => element.shadowRoot && element.shadowRoot.querySelector('button[type="submit"]'));
  });
  assert.ok(inShadow, 'the widget renders inside a shadow root');
  await payWithWallet(page, '+213555000002');
  await page.getByText(/Payment successful/).waitFor({ timeout: 20_000 });
  await page.context().close();
});

test('a script tag before its target mounts once the page is parsed, on the order it asked for at once', async () => {
  const urls = [];
  const page = await merchantPage(
    `<script src="/widget/checkout.js" data-target="#later" data-order="demo-dz" data-lang="en"></script>
<p>Order summary</p><div id="later"></div>`,
    { beforeLoad: requestsOf(urls) },
  );
  await page.getByText('Couscous kit and tea set (Algiers)').waitFor();
  assert.equal(orderRequests(urls).length, 1);
  await page.context().close();
});

test("a slow order shows the widget's loading frame until its answer comes", async () => {
  const page = await merchantPage(
    `<div id="pay"></div>
<script src="/widget/checkout.js" data-target="#pay" data-order="demo-dz" data-lang="en" async></script>`,
    {
      beforeLoad: (page) =>
        page.route('**/api/v1/checkout?*', async (route) => {
          await new Promise((resolve) => setTimeout(resolve, 2_500));
          await route.continue();
        }),
    },
  );
  await page.getByText('Loading your order…').waitFor({ timeout: 2_000 });
  await page.getByText('Couscous kit and tea set (Algiers)').waitFor({ timeout: 10_000 });
  await page.context().close();
});

test('the JS API fires ready, change, submit, success in order, with stable payloads', async () => {
  const page = await merchantPage(`<div id="pay"></div>
<script src="/widget/checkout.js"></script>
${recordEvents('#pay')}
<script>
window.callbacks = [];
window.handle = CheckoutWidget.mount('#pay', {
  order: 'demo-dz', lang: 'en',
  onReady: (detail) => window.callbacks.push(['ready', detail]),
  onSuccess: (detail) => window.callbacks.push(['success', detail]),
});
</script>`);
  const ready = await page.evaluate(() => window.handle.ready);
  assert.equal(ready.order.reference, 'demo-dz');
  assert.equal(ready.order.amountMinor, 150000);
  assert.equal(ready.order.currency, 'DZD');
  assert.deepEqual(ready.methods, ['yassir_cash']);

  await payWithWallet(page, '+213555000002');
  const outcome = await page.evaluate(() => window.handle.result);
  assert.equal(outcome.type, 'success');
  assert.equal(outcome.status, 'succeeded');
  assert.match(outcome.paymentId, /^pay_/);

  const fired = await events(page);
  assert.deepEqual(sequence(fired), ['ready', 'change', 'submit', 'success']);
  const change = fired.filter((event) => event.type === 'change').at(-1).detail;
  assert.deepEqual(change, { method: 'yassir_cash', complete: true, empty: false });
  assert.deepEqual(fired.find((event) => event.type === 'submit').detail, { method: 'yassir_cash' });
  const success = fired.find((event) => event.type === 'success').detail;
  assert.deepEqual(success, { paymentId: outcome.paymentId, status: 'succeeded', amountMinor: 150000, currency: 'DZD' });
  const callbacks = await page.evaluate(() => window.callbacks.map(([type]) => type));
  assert.deepEqual(callbacks, ['ready', 'success']);
  await page.context().close();
});

test('a rejected payment fires failure with the reason, then the shopper can try again', async () => {
  const page = await merchantPage(`<div id="pay"></div>
<script src="/widget/checkout.js"></script>
${recordEvents('#pay')}
<script>window.handle = CheckoutWidget.mount('#pay', { order: 'demo-dz', lang: 'en' });</script>`);
  await payWithWallet(page, '+213555000003');
  await waitForEvent(page, 'failure');
  const fired = await events(page);
  assert.deepEqual(sequence(fired), ['ready', 'change', 'submit', 'failure']);
  const failure = fired.find((event) => event.type === 'failure').detail;
  assert.equal(failure.status, 'rejected');
  assert.equal(failure.code, 'rejected');
  assert.equal(failure.retryable, true);
  assert.match(failure.paymentId, /^pay_/);
  assert.ok(failure.message.length > 0);
  const outcome = await page.evaluate(() => window.handle.result);
  assert.equal(outcome.type, 'failure');
  await page.context().close();
});

test('the Yassir OTP redirect fires requires_action with the payUrl', async () => {
  const page = await merchantPage(`<div id="pay"></div>
<script src="/widget/checkout.js"></script>
${recordEvents('#pay')}
<script>
window.addEventListener('beforeunload', () => sessionStorage.setItem('seen', JSON.stringify(window.events)));
CheckoutWidget.mount('#pay', { order: 'demo-dz', lang: 'en' });
</script>`);
  await payWithWallet(page, '+213555000001');
  await page.waitForURL(/\/sandbox\/yassir\/otp\/verify/);
  const seen = JSON.parse(await page.evaluate(() => sessionStorage.getItem('seen')) ?? '[]');
  const action = seen.find((event) => event.type === 'requires_action');
  assert.ok(action, `requires_action fired before leaving: ${JSON.stringify(seen.map((e) => e.type))}`);
  assert.match(action.detail.url, /\/sandbox\/yassir\/otp\/verify\?.*returnUrl=/);
  await page.context().close();
});

test('an unknown order fires error with a specific message', async () => {
  const page = await merchantPage(`<div id="pay"></div>
<script src="/widget/checkout.js"></script>
${recordEvents('#pay')}
<script>CheckoutWidget.mount('#pay', { order: 'no-such-order', lang: 'en' });</script>`);
  await waitForEvent(page, 'error');
  const error = (await events(page)).find((event) => event.type === 'error').detail;
  assert.equal(error.code, 'not_found');
  assert.match(error.message, /no-such-order/);
  await page.context().close();
});

test('a trap in the widget\'s wasm fires error widget_crashed with where it stopped', async () => {
  const page = await merchantPage(`<div id="pay"></div>
<script src="/widget/checkout.js"></script>
${recordEvents('#pay')}
<script>CheckoutWidget.mount('#pay', { order: 'demo-dz', lang: 'en' });</script>`);
  await waitForEvent(page, 'ready');
  // What a panic does in the release build: the wasm traps. Here a handle at an address outside
  // the wasm's memory makes it trap for real, out of a task of its own as an event handler would.
  await page.evaluate(async () => {
    const glue = performance.getEntriesByType('resource').map((entry) => entry.name)
      .find((name) => /\/checkout-widget-[0-9a-f]+\.js$/.test(name));
    const { WidgetHandle } = await import(glue);
    setTimeout(() => WidgetHandle.__wrap(0x7ffffff0).update({}));
  });
  await waitForEvent(page, 'error');
  const error = (await events(page)).find((event) => event.type === 'error').detail;
  assert.equal(error.code, 'widget_crashed');
  assert.match(error.message, /crashed at wasm-function\[\d+\]:0x[0-9a-f]+\.$/);
  await page.context().close();
});

test('bad options are refused at once with a TypeError', async () => {
  const page = await merchantPage(`<div id="pay"></div><script src="/widget/checkout.js"></script>`);
  const refusals = await page.evaluate(() =>
    [{}, { order: 'demo-dz', lang: 'xx' }, { order: 'demo-dz', methods: ['cheque'] }].map((options) => {
      try {
        CheckoutWidget.mount('#pay', options);
        return null;
      } catch (error) {
        return { name: error.name, message: error.message };
      }
    }),
  );
  for (const refusal of refusals) {
    assert.equal(refusal?.name, 'TypeError', JSON.stringify(refusals));
    assert.ok(refusal.message.length > 10);
  }
  const missingTarget = await page.evaluate(() => {
    try {
      CheckoutWidget.mount('#nowhere', { order: 'demo-dz' });
      return null;
    } catch (error) {
      return error.name;
    }
  });
  assert.equal(missingTarget, 'TypeError');
  await page.context().close();
});

test('the custom element mirrors its attributes and fires events on itself', async () => {
  const page = await merchantPage(`<checkout-widget id="pay" order="demo-dz" lang="fr"></checkout-widget>
<script src="/widget/checkout.js"></script>
${recordEvents('#pay')}`);
  await page.getByText(/Payer/).first().waitFor();
  await page.evaluate(() => document.querySelector('#pay').setAttribute('lang', 'en'));
  await page.getByText(/^Pay/).first().waitFor();
  await payWithWallet(page, '+213555000002');
  await waitForEvent(page, 'success');
  const outcome = await page.evaluate(() => document.querySelector('#pay').result);
  assert.equal(outcome.type, 'success');
  await page.context().close();
});

test('hostile page CSS does not change the widget', async () => {
  const plain = await merchantPage(`<div id="pay"></div>
<script src="/widget/checkout.js" data-target="#pay" data-order="demo-dz" data-lang="en"></script>`);
  await plain.locator('button[type="submit"]').waitFor();
  const before = await plain.locator('button[type="submit"]').evaluate((button) => {
    const style = getComputedStyle(button);
    return { color: style.color, background: style.backgroundColor, display: style.display, font: style.fontFamily };
  });
  await plain.context().close();

  const hostile = await merchantPage(
    `<div id="pay"></div>
<script src="/widget/checkout.js" data-target="#pay" data-order="demo-dz" data-lang="en"></script>`,
    {
      // `*` also hides the page itself; the page's own frame and the merchant's mount element are
      // shown again, so what is measured is whether the widget itself withstands the rule.
      head: `<style>
* { display: none !important; color: red !important; font-family: cursive !important }
button, input, section, div, p { background: lime !important; border: 5px dashed red !important; padding: 0 !important }
html, body, main, #pay { display: block !important }
</style>`,
    },
  );
  const button = hostile.locator('button[type="submit"]');
  await button.waitFor({ state: 'attached' });
  await hostile.waitForTimeout(500);
  const after = await button.evaluate((element) => {
    const style = getComputedStyle(element);
    return { color: style.color, background: style.backgroundColor, display: style.display, font: style.fontFamily };
  });
  assert.deepEqual(after, before);
  assert.ok(await button.isVisible(), 'the Pay button stays visible');
  await hostile.context().close();
});

test('several widgets on one page work independently', async () => {
  const page = await merchantPage(`<div id="dz"></div><div id="cg"></div>
<script src="/widget/checkout.js"></script>
<script>
window.first = CheckoutWidget.mount('#dz', { order: 'demo-dz', lang: 'en' });
window.second = CheckoutWidget.mount('#cg', { order: 'demo-cg', lang: 'fr' });
</script>`);
  const [first, second] = await page.evaluate(() => Promise.all([window.first.ready, window.second.ready]));
  assert.equal(first.order.currency, 'DZD');
  assert.equal(second.order.currency, 'XAF');
  await page.evaluate(() => window.second.unmount());
  const remaining = await page.evaluate(() => document.querySelector('#cg').innerHTML.trim());
  assert.equal(remaining, '', 'unmount removes the widget');
  await payWithWallet(page, '+213555000002');
  const outcome = await page.evaluate(() => window.first.result);
  assert.equal(outcome.type, 'success');
  await page.context().close();
});

test('each example page renders in each language (screenshots kept as artifacts)', async () => {
  for (const example of ['script-tag', 'js-api', 'custom-element']) {
    for (const lang of ['en', 'fr', 'ar']) {
      const page = await demo.newPage();
      await page.goto(`${demo.base}/examples/${example}.html?order=demo-dz&lang=${lang}`);
      await page.locator('button[type="submit"]').first().waitFor({ timeout: 20_000 });
      const dir = await page.locator('button[type="submit"]').first().evaluate((button) => button.closest('[dir]')?.getAttribute('dir'));
      assert.equal(dir, lang === 'ar' ? 'rtl' : 'ltr', `${example} in ${lang}`);
      await page.screenshot({ path: join(artifacts, `example-${example}-${lang}.png`), fullPage: true });
      await page.context().close();
    }
  }
});

// The policy docs/embedding.md gives merchants, for a widget served from the shop's own origin.
export const MERCHANT_CSP =
  "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; style-src 'self'; " +
  "img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

test('the widget works under the strict Content-Security-Policy of the embedding guide', async () => {
  const page = await merchantPage(
    `<div id="pay"></div>
<script src="/widget/checkout.js" data-target="#pay" data-order="demo-dz" data-lang="en"></script>`,
    {
      headers: { 'content-security-policy': MERCHANT_CSP },
      beforeLoad: (page) =>
        page.addInitScript(() => {
          window.violations = [];
          document.addEventListener('securitypolicyviolation', (event) =>
            window.violations.push(`${event.violatedDirective} ${event.blockedURI}`),
          );
        }),
    },
  );
  await payWithWallet(page, '+213555000002');
  await page.getByText(/Payment successful/).waitFor({ timeout: 20_000 });
  assert.deepEqual(await page.evaluate(() => window.violations), []);
  await page.context().close();
});

test("the widget's files are sent compressed, and kept by browsers when their name is hashed", async () => {
  const integrity = await (await fetch(`${demo.base}/widget/integrity.json`)).json();
  const wasm = Object.keys(integrity).find((name) => name.endsWith('.wasm'));
  const hashed = await fetch(`${demo.base}/widget/${wasm}`, { headers: { 'accept-encoding': 'br' } });
  assert.equal(hashed.headers.get('content-encoding'), 'br');
  assert.equal(hashed.headers.get('content-type'), 'application/wasm');
  assert.match(hashed.headers.get('cache-control'), /immutable/);
  await hashed.arrayBuffer();
  const loader = await fetch(`${demo.base}/widget/checkout.js`, { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(loader.headers.get('content-encoding'), 'gzip');
  assert.equal(loader.headers.get('cache-control'), 'no-cache');
  await loader.arrayBuffer();
});
