// axe-core's WCAG 2.2 AA audit of the embedded widget in each state and each language.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { startDemo } from './harness.mjs';

const AXE = join(resolve(import.meta.dirname, '..'), '.tools', 'node_modules', 'axe-core', 'axe.min.js');
const WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const LANGUAGES = ['en', 'fr', 'ar'];

let demo;
before(async () => {
  demo = await startDemo();
});
after(async () => {
  await demo?.stop();
});

async function mounted(order, lang) {
  const page = await demo.newPage();
  const url = `${demo.base}/a11y-host.html`;
  await page.route(url, (route) =>
    route.fulfill({
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>Checkout</title></head>
<body><main><h1>Checkout</h1><div id="pay"></div></main>
<script src="/widget/checkout.js"></script>
<script>window.handle = CheckoutWidget.mount('#pay', { order: ${JSON.stringify(order)}, lang: ${JSON.stringify(lang)} });</script>
</body></html>`,
    }),
  );
  await page.goto(url);
  await page.evaluate(() => window.handle.ready);
  return page;
}

async function audit(page, label) {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(
    async (tags) => {
      const result = await window.axe.run(document.querySelector('#pay'), { runOnly: { type: 'tag', values: tags } });
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
    },
    WCAG_AA,
  );
  assert.deepEqual(violations, [], `${label}: ${JSON.stringify(violations, null, 2)}`);
}

const STATES = {
  async 'empty form'(lang) {
    return mounted('demo-dz', lang);
  },
  async errors(lang) {
    const page = await mounted('demo-dz', lang);
    const phone = page.locator('input[type="tel"]').first();
    await phone.fill('0255');
    await phone.press('Tab');
    await page.locator('[aria-invalid="true"]').first().waitFor();
    return page;
  },
  async 'Pay pressed on an empty form'(lang) {
    const page = await mounted('demo-dz', lang);
    await page.locator('button[type="submit"]').first().click();
    await page.locator('[aria-invalid="true"]').first().waitFor();
    return page;
  },
  async 'optional fields unfolded'(lang) {
    const page = await mounted('demo-cg', lang);
    await page.locator('button[aria-expanded="false"]').first().click();
    await page.locator('input[type="email"]').first().waitFor();
    return page;
  },
  async 'waiting for approval'(lang) {
    const page = await mounted('demo-cg', lang);
    await page.locator('input[type="tel"]').first().fill(`06 659 44 ${lang === 'en' ? '71' : lang === 'fr' ? '72' : '73'}`);
    await page.locator('button[type="submit"]').first().click();
    await page.locator('[data-step="awaiting-approval"]').first().waitFor({ timeout: 20_000 });
    return page;
  },
  async success(lang) {
    const page = await mounted('demo-dz', lang);
    await page.locator('input[type="tel"]').first().fill('+213555000002');
    await page.locator('button[type="submit"]').first().click();
    await page.evaluate(() => window.handle.result);
    return page;
  },
  // An order another browser is paying: the panel with "Check again" instead of the form.
  async 'order in flight elsewhere'(lang) {
    const ref = `A11Y-FLIGHT-${lang}-${process.pid}`;
    const token = await demo.orderToken({ reference: ref, description: `Order ${ref}`, amount_minor: 5000, currency: 'XAF' });
    const other = await mounted(token, lang);
    await other.locator('input[type="tel"]').first().fill(`06 659 45 ${lang === 'en' ? '71' : lang === 'fr' ? '72' : '73'}`);
    await other.locator('button[type="submit"]').first().click();
    await other.locator('[data-step="awaiting-approval"]').first().waitFor({ timeout: 20_000 });
    const page = await mounted(token, lang);
    // "Check again" in the page's language, in place of the form.
    await page.getByRole('button', { name: { en: 'Check again', fr: 'Vérifier à nouveau', ar: 'تحقّق مرة أخرى' }[lang] }).waitFor();
    assert.equal(await page.locator('input[type="tel"]').count(), 0, 'no form');
    return page;
  },
  // An order already paid, opened again.
  async 'order already paid'(lang) {
    const ref = `A11Y-PAID-${lang}-${process.pid}`;
    const token = await demo.orderToken({ reference: ref, description: `Order ${ref}`, amount_minor: 250000, currency: 'DZD' });
    const payer = await mounted(token, lang);
    await payer.locator('input[type="tel"]').first().fill('+213555000002');
    await payer.locator('button[type="submit"]').first().click();
    await payer.evaluate(() => window.handle.result);
    await payer.context().close();
    const page = await mounted(token, lang);
    // The order said paid in place of the form (the widget's shadow root, as locators see it).
    await page.locator('[data-step]:not([data-step="loading"])').first().waitFor();
    assert.equal(await page.locator('input[type="tel"]').count(), 0, 'no form');
    return page;
  },
  async rejection(lang) {
    const page = await mounted('demo-dz', lang);
    await page.locator('input[type="tel"]').first().fill('+213555000003');
    await page.locator('button[type="submit"]').first().click();
    await page.evaluate(() => window.handle.result);
    return page;
  },
};

for (const [state, reach] of Object.entries(STATES)) {
  for (const lang of LANGUAGES) {
    test(`no WCAG 2.2 AA violations: ${state}, ${lang}`, async () => {
      const page = await reach(lang);
      await audit(page, `${state} (${lang})`);
      await page.context().close();
    });
  }
}
