// The shopper on a phone in WebKit, Safari's engine: WebKitGTK's MiniBrowser, driven through
// WebKitWebDriver under a virtual display, in a 360×740 viewport. The journeys of
// checkout.test.mjs and the script-tag example, each checked against the server's record.
// A missing WebKitWebDriver fails every test here, naming scripts/setup: never a silent skip.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, startDemo, startWebKit } from './harness.mjs';

let demo;
let webkit;
before(async () => {
  webkit = await startWebKit();
  demo = await startDemo({ chromium: false });
});
after(async () => {
  await webkit?.stop();
  await demo?.stop();
});

const JOURNEY = { timeout: 60_000 };

/** Runs `journey` in a fresh WebKit session, always closed; a screenshot of where a failure stopped. */
async function inWebKit(t, journey) {
  const driver = await webkit.newSession();
  try {
    t.diagnostic(`WebKit viewport: ${driver.viewport.width}×${driver.viewport.height} CSS pixels`);
    await journey(driver);
  } catch (error) {
    const name = t.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
    await screenshot(driver, `webkit-failed-${name}`).catch(() => {});
    throw error;
  } finally {
    await driver.quit().catch((error) => t.diagnostic(`closing the session: ${error.message}`));
  }
}

async function screenshot(driver, name) {
  writeFileSync(join(ARTIFACTS, `${name}.png`), await driver.takeScreenshot(), 'base64');
}

/** Runs `body` with `shadow`, the loader's shadow root (on `[data-checkout-widget-root]`); null before it exists. */
function inWidget(driver, body, ...args) {
  return driver.executeScript(
    `const shadow = document.querySelector('[data-checkout-widget-root]')?.shadowRoot;
if (!shadow) return null;
${body}`,
    ...args,
  );
}

const step = (driver) => inWidget(driver, `return shadow.querySelector('section.cw')?.getAttribute('data-step') ?? null;`);
const widgetText = (driver) => inWidget(driver, `return shadow.querySelector('section.cw')?.innerText ?? null;`);

/** Polls `condition` until it answers something truthy (and returns that), or fails saying where the page was. */
async function until(driver, what, condition, timeout = 20_000) {
  let last;
  try {
    return await driver.wait(async () => {
      try {
        last = await condition();
      } catch (error) {
        // The page navigating under the script: ask again.
        last = error.message;
        return false;
      }
      return last;
    }, timeout);
  } catch {
    const where = await driver.getCurrentUrl().catch(() => '?');
    const showing = await widgetText(driver).catch(() => null);
    throw new Error(
      `${what}: not within ${timeout / 1000} s (last answer ${JSON.stringify(last)}; at ${where}; step ${await step(driver).catch(() => '?')}; widget shows ${JSON.stringify(showing)})`,
    );
  }
}

const untilStep = (driver, name, timeout) =>
  until(driver, `the widget's step "${name}"`, async () => (await step(driver)) === name, timeout);

const untilUrl = (driver, pattern) => until(driver, `an address matching ${pattern}`, async () => pattern.test(await driver.getCurrentUrl()));

/** Types `phone` into the widget's phone field and taps Pay once it is enabled. */
async function pay(driver, phone) {
  const input = await until(driver, 'the phone field', () => inWidget(driver, `return shadow.querySelector('input[type="tel"]');`));
  await input.sendKeys(phone);
  const button = await inWidget(driver, `return shadow.querySelector('button.cw-pay');`);
  await until(driver, 'Pay enabled', () => button.isEnabled());
  await button.click();
}

/** Taps the widget's action button labelled `label` (after a decline: "Try again"). */
async function tapAction(driver, label) {
  const button = await until(driver, `the "${label}" button`, () =>
    inWidget(driver, `return [...shadow.querySelectorAll('.cw-actions button')].find((b) => b.textContent.trim() === arguments[0]) ?? null;`, label),
  );
  await button.click();
}

/** The payment id the widget shows as its reference. */
async function shownReference(driver) {
  const text = await until(driver, 'the payment reference', () => inWidget(driver, `return shadow.querySelector('.cw-status__reference')?.textContent ?? null;`));
  const id = text.match(/pay_\w+/)?.[0];
  assert.ok(id, `a payment id in the reference: ${text}`);
  return id;
}

/** The server's own record of a payment (the merchant's admin API). */
async function record(id) {
  const payment = await demo.admin(`/api/v1/admin/payments/${id}`);
  assert.equal(payment.id, id, `the server has ${id}: ${JSON.stringify(payment)}`);
  return payment;
}

/** Types the OTP on the sandbox's page (a plain page: the value is set and `input` dispatched) and verifies. */
async function confirmOtp(driver, code) {
  const { By } = webkit;
  await until(driver, 'the OTP field', async () => (await driver.findElements(By.css('#code'))).length === 1);
  await driver.executeScript(
    `const field = document.querySelector('#code');
field.value = arguments[0];
field.dispatchEvent(new Event('input', { bubbles: true }));`,
    code,
  );
  await driver.findElement(By.css('button[value="verify"]')).click();
}

test('WebKit: Yassir Cash through the OTP page, back to "payment successful"', JOURNEY, async (t) => {
  await inWebKit(t, async (driver) => {
    await driver.get(`${demo.base}/widget/?order=demo-dz&lang=en`);
    await untilStep(driver, 'choosing');
    await pay(driver, '0555 00 00 01');

    await untilUrl(driver, /\/sandbox\/yassir\/otp\/verify/);
    const otpUrl = new URL(await driver.getCurrentUrl());
    const returnUrl = otpUrl.searchParams.get('returnUrl') ?? '';
    assert.ok(returnUrl.startsWith(`${demo.base}/widget/`), `returnUrl points back to the shop: ${returnUrl}`);
    await confirmOtp(driver, '123456');

    await untilUrl(driver, new RegExp(`^${demo.base}/widget/`));
    await untilStep(driver, 'succeeded');
    assert.match(await widgetText(driver), /Payment successful/);
    await screenshot(driver, 'webkit-yassir-success');

    const id = await shownReference(driver);
    assert.ok(returnUrl.includes(id), 'the OTP page returns to the payment the widget created');
    const payment = await record(id);
    assert.equal(payment.status, 'succeeded');
    assert.equal(payment.method, 'yassir_cash');
    assert.equal(payment.phone, '+213555000001');
    assert.equal(payment.amount_minor, 150000);
    assert.equal(payment.currency, 'DZD');
    assert.equal(payment.captured_minor, 150000);
    assert.equal(payment.decided_by, 'provider');
    assert.ok(payment.history.some((entry) => entry.status === 'requires_action'), 'it went through the OTP page');
    const paid = (await demo.paymentsFor(payment.order)).filter((p) => p.order === payment.order);
    assert.deepEqual(paid.map((p) => p.status), ['succeeded'], 'one payment for the order');
  });
});

/** Whether a mobile-money prompt waits for `msisdn` on the sandbox phone. */
async function promptWaiting(msisdn) {
  const prompts = await (await fetch(`${demo.providerBase}/sandbox/yabetoo/phone/prompts`)).json();
  return prompts.some((prompt) => prompt.msisdn.replace('+', '') === msisdn);
}

/** Approves `msisdn`'s prompt on the sandbox phone page, in a tab of its own, then comes back to the shop's tab. */
async function approveOnPhonePage(driver, msisdn) {
  const { By } = webkit;
  const shop = await driver.getWindowHandle();
  await driver.switchTo().newWindow('tab');
  await driver.get(`${demo.base}/sandbox/yabetoo/phone?msisdn=${msisdn}`);
  let tapped = 0;
  await until(driver, `the prompt of ${msisdn} answered on the phone page`, async () => {
    if (!(await promptWaiting(msisdn))) return true;
    // The page reloads itself every 2 s: a tap lost to a reload is made again, not sooner than 3 s.
    if (Date.now() - tapped > 3000) {
      const approve = await driver.findElements(By.css('button.approve'));
      if (approve.length === 1) {
        tapped = Date.now();
        await approve[0].click();
      }
    }
    return false;
  });
  await driver.switchTo().window(shop);
}

test('WebKit: mobile money approved on the sandbox phone page', JOURNEY, async (t) => {
  await inWebKit(t, async (driver) => {
    await driver.get(`${demo.base}/widget/?order=demo-cg&lang=en`);
    await untilStep(driver, 'choosing');
    await pay(driver, '06 659 44 70');
    await untilStep(driver, 'awaiting-approval');
    assert.match(await widgetText(driver), /Approve the request on your phone/);

    await approveOnPhonePage(driver, '242066594470');
    await untilStep(driver, 'succeeded');
    assert.match(await widgetText(driver), /Payment successful/);
    await screenshot(driver, 'webkit-momo-success');

    const payment = await record(await shownReference(driver));
    assert.equal(payment.status, 'succeeded');
    assert.equal(payment.method, 'mobile_money');
    assert.equal(payment.provider, 'yabetoo');
    assert.equal(payment.amount_minor, 5000);
    assert.equal(payment.currency, 'XAF');
    assert.ok(payment.history.some((entry) => entry.status === 'awaiting_approval'), 'it waited for the phone');
  });
});

test('WebKit: mobile money declined on the sandbox phone, then a new attempt approved', JOURNEY, async (t) => {
  await inWebKit(t, async (driver) => {
    await driver.get(`${demo.base}/widget/?order=demo-cg&lang=en`);
    await untilStep(driver, 'choosing');
    await pay(driver, '06 659 44 76');
    await untilStep(driver, 'awaiting-approval');
    await demo.answerPhone('242066594476', 'decline');
    await untilStep(driver, 'rejected');
    assert.match(await widgetText(driver), /Payment declined/);
    const declined = await record(await shownReference(driver));
    assert.equal(declined.status, 'rejected');
    assert.equal(declined.failure?.code, 'declined');

    await tapAction(driver, 'Try again');
    await untilStep(driver, 'awaiting-approval');
    await demo.answerPhone('242066594476', 'approve');
    await untilStep(driver, 'succeeded');
    await screenshot(driver, 'webkit-momo-retry-success');

    const retried = await record(await shownReference(driver));
    assert.notEqual(retried.id, declined.id, 'the new attempt is a payment of its own');
    assert.equal(retried.status, 'succeeded');
    assert.equal(retried.amount_minor, 5000);
    // A demo product's every checkout is an order of its own: the attempts are found by phone.
    const attempts = (await demo.paymentsFor('demo-cg')).filter((p) => p.phone === declined.phone);
    assert.deepEqual(attempts.map((p) => p.status).sort(), ['rejected', 'succeeded'], 'the decline is kept, one payment succeeded');
  });
});

test('WebKit: the widget in Arabic is right-to-left and pays', JOURNEY, async (t) => {
  await inWebKit(t, async (driver) => {
    await driver.get(`${demo.base}/widget/?order=demo-dz&lang=ar`);
    await untilStep(driver, 'choosing');
    const layout = await inWidget(
      driver,
      `const section = shadow.querySelector('section.cw');
const pay = shadow.querySelector('button.cw-pay');
const words = document.createRange();
words.selectNodeContents(shadow.querySelector('.cw-field .cw-label'));
const label = words.getBoundingClientRect();
const field = shadow.querySelector('input[type="tel"]').getBoundingClientRect();
return {
  lang: section.getAttribute('lang'),
  dir: section.getAttribute('dir'),
  direction: getComputedStyle(section).direction,
  pay: pay.textContent,
  labelRightGap: Math.round(field.right - label.right),
  labelLeftGap: Math.round(label.left - field.left),
  phoneDirection: getComputedStyle(shadow.querySelector('input[type="tel"]')).direction,
  overflow: document.documentElement.scrollWidth - window.innerWidth,
};`,
    );
    assert.equal(layout.lang, 'ar');
    assert.equal(layout.dir, 'rtl');
    assert.equal(layout.direction, 'rtl', 'WebKit lays the widget out right to left');
    assert.match(layout.pay, /ادفع/);
    assert.ok(layout.labelRightGap < layout.labelLeftGap, `the label's words start at the right: ${JSON.stringify(layout)}`);
    assert.equal(layout.phoneDirection, 'ltr', 'the number itself reads left to right');
    assert.ok(layout.overflow <= 0, `nothing wider than the phone: ${JSON.stringify(layout)}`);
    await screenshot(driver, 'webkit-ar-form');

    await pay(driver, '+213555000002');
    await untilStep(driver, 'succeeded');
    assert.match(await widgetText(driver), /تم الدفع بنجاح/);
    await screenshot(driver, 'webkit-ar-success');

    const payment = await record(await shownReference(driver));
    assert.equal(payment.status, 'succeeded');
    assert.equal(payment.phone, '+213555000002');
    assert.equal(payment.amount_minor, 150000);
    assert.match(payment.end_user_message ?? '', /[\u0600-\u06FF]/, "Yassir was asked for Arabic: the shopper's message is in Arabic");
  });
});

test('WebKit: the script-tag example mounts in a shadow root, pays through the OTP page and comes back', JOURNEY, async (t) => {
  await inWebKit(t, async (driver) => {
    const example = `${demo.base}/examples/script-tag.html?order=demo-ma&lang=en`;
    await driver.get(example);
    await untilStep(driver, 'choosing');
    const mounted = await driver.executeScript(
      `const root = document.querySelector('#pay [data-checkout-widget-root]');
return { inTarget: Boolean(root && root.shadowRoot), inPage: document.querySelectorAll('button, input[type="tel"]').length };`,
    );
    assert.deepEqual(mounted, { inTarget: true, inPage: 0 }, 'the widget renders in a shadow root inside #pay');
    assert.match(await widgetText(driver), /MAD/);

    await pay(driver, '+212 600 00 00 01');
    await untilUrl(driver, /\/sandbox\/yassir\/otp\/verify/);
    await confirmOtp(driver, '123456');
    await untilUrl(driver, new RegExp(`^${demo.base}/examples/script-tag\\.html`));
    await untilStep(driver, 'succeeded');
    assert.match(await widgetText(driver), /Payment successful/);
    await screenshot(driver, 'webkit-script-tag-success');

    const payment = await record(await shownReference(driver));
    assert.equal(payment.status, 'succeeded');
    assert.equal(payment.method, 'yassir_cash');
    assert.equal(payment.phone, '+212600000001');
    assert.equal(payment.amount_minor, 29900);
    assert.equal(payment.currency, 'MAD');
    assert.match(payment.order, /^demo-ma-/);
  });
});

test('WebKit: Pay is above the fold on a 360×740 phone for every method and language', JOURNEY, async (t) => {
  await inWebKit(t, async (driver) => {
    // Yassir Cash (Algeria, Morocco) and mobile money (Congo, Cameroon).
    for (const order of ['demo-dz', 'demo-ma', 'demo-cg', 'demo-cm']) {
      for (const lang of ['en', 'fr', 'ar']) {
        await driver.get(`${demo.base}/widget/?order=${order}&lang=${lang}`);
        await untilStep(driver, 'choosing');
        const bottom = await inWidget(driver, `return shadow.querySelector('button.cw-pay').getBoundingClientRect().bottom;`);
        assert.ok(bottom <= driver.viewport.height && driver.viewport.height <= 740, `${order} (${lang}): Pay ends at ${bottom} px of ${driver.viewport.height}`);
        if (lang === 'en') await screenshot(driver, `webkit-fold-${order}`);
      }
    }
  });
});

test('WebKit: Pay pressed with a wrong number focuses the field, says what to fix once, and sends nothing', JOURNEY, async (t) => {
  await inWebKit(t, async (driver) => {
    const before = (await demo.paymentsFor('demo-dz')).length;
    await driver.get(`${demo.base}/widget/?order=demo-dz&lang=fr`);
    await untilStep(driver, 'choosing');
    const input = await inWidget(driver, `return shadow.querySelector('input[type="tel"]');`);
    await input.sendKeys('0555 12');
    const button = await inWidget(driver, `return shadow.querySelector('button.cw-pay');`);
    assert.ok(await button.isEnabled(), 'Pay can be pressed');
    await button.click();
    const refused = await until(driver, 'the focus on the wrong field', () =>
      inWidget(
        driver,
        `const focused = shadow.activeElement;
if (!focused || focused.type !== 'tel') return null;
const live = [...shadow.querySelectorAll('[aria-live]:not([aria-live="off"]), [role="status"], [role="alert"]')];
return { invalid: focused.getAttribute('aria-invalid'), regions: live.map((region) => region.textContent) };`,
      ),
    );
    assert.equal(refused.invalid, 'true');
    assert.equal(refused.regions.length, 1, `one live region: ${JSON.stringify(refused.regions)}`);
    assert.match(refused.regions[0], /^Vérifiez ces informations avant de payer/);
    await screenshot(driver, 'webkit-fr-pay-refused');
    assert.equal((await demo.paymentsFor('demo-dz')).length, before, 'no payment was created');
  });
});
