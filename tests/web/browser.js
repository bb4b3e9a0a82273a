// A real browser (Debian's chromium, driven by playwright-core) answers the
// client questionnaire through collect serve at a phone's size and at a
// desktop's, using only the keyboard and clicks a person would use, and
// saves a screenshot of each kind of screen.
//
// usage: node browser.js PLAYWRIGHT_DIR BASE_URL LINK_PHONE CODE_DESKTOP OUT_DIR CODE_WAIT
//        node browser.js PLAYWRIGHT_DIR --report REPORT.html OUT_DIR
// (the second: analyze's HTML report at a phone's width, no wider than it)
const [pwDir, base, linkPhone, codeDesktop, out, codeWait] = process.argv.slice(2);
const { chromium } = require(require('path').join(pwDir, 'node_modules', 'playwright-core'));
const assert = require('assert');

const LONG_WORD = 'see:clinic.example.org/notes/' + 'x'.repeat(60);

async function shot(page, name) {
  await page.screenshot({ path: `${out}/${name}.png`, fullPage: true });
}

// The page has no horizontal scroll, every control is at least 44 px tall
// and every input has a label tied to it.
async function checkLayout(page, width) {
  const r = await page.evaluate(() => {
    const small = [...document.querySelectorAll('button, .choice label, input[type=text], textarea, select')]
      .filter(e => e.getBoundingClientRect().height < 44).map(e => e.outerHTML.slice(0, 60));
    const unlabelled = [...document.querySelectorAll('input:not([type=hidden]), textarea, select')]
      .filter(e => !e.id || !document.querySelector(`label[for="${e.id}"]`)).map(e => e.name);
    return { scroll: document.documentElement.scrollWidth, small, unlabelled,
             lang: document.documentElement.lang, scripts: document.scripts.length };
  });
  assert.ok(r.scroll <= width, `page is ${r.scroll} px wide at ${width}`);
  assert.deepStrictEqual(r.small, [], 'controls under 44 px');
  assert.deepStrictEqual(r.unlabelled, [], 'inputs without a label');
  assert.strictEqual(r.lang, 'en');
  assert.strictEqual(r.scripts, 0);
}

// What a screen reader reads beside an element's label: the text of the
// elements its aria-describedby names.
async function description(page, selector) {
  return page.evaluate(sel => (document.querySelector(sel).getAttribute('aria-describedby') || '')
    .split(' ').filter(Boolean).map(id => document.getElementById(id).innerText).join(' | '), selector);
}

async function choose(page, label) {
  await page.getByLabel(label, { exact: true }).check();
}

async function next(page) {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Next' }).click()]);
}

async function answerAll(page, width, tag, shots) {
  const items = ['Mostly', 'Completely', 'Mostly', 'Somewhat', 'Mostly', 'A little'];
  for (let i = 0; i < items.length; i++) {
    if (i === 0 && shots) { await checkLayout(page, width); await shot(page, `${tag}-question-first`); }
    // a question that may be left out says so to a screen reader too
    if (i === 0) assert.match(await description(page, 'fieldset'), /You may leave this one out/);
    // back on the first, answered: its Skip says it takes the answer away,
    // and Next keeps the answer
    if (i === 1) {
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Back' }).click()]);
      assert.ok(await page.getByLabel(items[0], { exact: true }).isChecked());
      assert.strictEqual(await page.locator('button[value=skip]').innerText(), 'Clear and skip');
      assert.match(await description(page, 'fieldset'), /Clear and skip takes your answer away/);
      if (shots) { await checkLayout(page, width); await shot(page, `${tag}-question-answered`); }
      await next(page);
    }
    await choose(page, items[i]);
    await next(page);
  }
  // the rupture question is required: Next without an answer says so
  await next(page);
  assert.match(await page.locator('[role=alert]').innerText(), /needs an answer/);
  // the error is read with the question, and each option is marked invalid
  assert.match(await description(page, 'fieldset'), /needs an answer/);
  assert.deepStrictEqual(await page.locator('input[type=radio]').evaluateAll(
    es => es.map(e => e.getAttribute('aria-invalid'))), ['true', 'true', 'true']);
  if (shots) { await checkLayout(page, width); await shot(page, `${tag}-question-error`); }
  await choose(page, 'Yes');
  await next(page);
  // a checkbox group, answered with the keyboard: Tab to the first box, Space
  await page.getByLabel('I felt judged or criticized').check();
  await page.keyboard.press('Tab');
  if (shots) { await checkLayout(page, width); await shot(page, `${tag}-question-checkbox`); }
  await next(page);
  // back and forward again keeps the answer
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Back' }).click()]);
  assert.ok(await page.getByLabel('I felt judged or criticized').isChecked());
  await next(page);
  await choose(page, 'Moderate'); await next(page);
  await choose(page, 'No'); await next(page);
  await choose(page, 'Partly'); await next(page);
  await choose(page, 'Yes'); await next(page);
  // a word longer than the phone is wide (a pasted address, a long name)
  // wraps inside the page rather than widening it
  await page.getByLabel(/Anything else/).fill('<b>not bold</b> & fine ' + LONG_WORD);
  if (shots) { await checkLayout(page, width); await shot(page, `${tag}-question-notes`); }
  await next(page);
  // the review lists every answer; change one
  assert.strictEqual(await page.locator('h1').innerText(), 'Your answers');
  assert.match(await page.locator('main').innerText(), /<b>not bold<\/b> & fine/);
  assert.ok((await page.locator('main').innerText()).replace(/\s/g, '').includes(LONG_WORD));
  if (shots) { await checkLayout(page, width); await shot(page, `${tag}-review`); }
  // each Change button is read with its question and answer
  assert.strictEqual(await description(page, 'button[value="change-1"]'),
    'Today I felt my therapist was on my side. | Mostly');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Change answer 1', exact: true }).click()]);
  await choose(page, 'Completely');
  await next(page);
  assert.strictEqual(await page.locator('h1').innerText(), 'Your answers');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save my answers' }).click()]);
  assert.strictEqual(await page.locator('h1').innerText(), 'All done');
  assert.match(await page.locator('main').innerText(), /Thank you/);
  assert.doesNotMatch(await page.locator('main').innerText(), /Completely|not bold/);
  if (shots) { await shot(page, `${tag}-thanks`); }
}

async function report(browser, file, dir) {
  const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  await page.goto('file://' + file);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.screenshot({ path: `${dir}/report-phone.png`, fullPage: true });
  assert.ok(wide <= 360, `the report is ${wide} px wide at 360`);
  await ctx.close();
}

(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-proxy-server'] });
  try {
    if (base === '--report') {
      await report(browser, linkPhone, codeDesktop);
      console.log('browser: report ok');
      return;
    }
    // a phone: the link
    let ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 1 });
    let page = await ctx.newPage();
    const blocked = [];
    page.on('request', r => { if (!r.url().startsWith(base)) blocked.push(r.url()); });
    await page.goto(linkPhone);
    await answerAll(page, 360, 'phone', true);
    // the used link: the same thank-you page, status 410
    const again = await page.goto(linkPhone);
    assert.strictEqual(again.status(), 410);
    await page.goto(base + '/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    await shot(page, 'phone-closed');
    assert.deepStrictEqual(blocked, [], 'requests to another host');
    await ctx.close();

    // a desktop: the access code, typed in small letters without the dash
    ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    page = await ctx.newPage();
    await page.goto(base + '/code');
    await page.getByLabel('Your access code').fill('wrong-code');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /Open/ }).click()]);
    assert.match(await page.locator('[role=alert]').innerText(), /does not open/);
    // the refused code is still in the field, to correct
    assert.strictEqual(await page.getByLabel('Your access code').inputValue(), 'wrong-code');
    await checkLayout(page, 1280);
    await shot(page, 'desktop-code-error');
    await page.getByLabel('Your access code').fill(codeDesktop.toLowerCase().replace('-', ''));
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /Open/ }).click()]);
    await answerAll(page, 1280, 'desktop', true);
    await ctx.close();

    // a phone part way through by a code: the browser's own Back and reload
    // lead to a screen to go on from (not a page asking to send a form
    // again), and its address holds no code
    ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 1 });
    page = await ctx.newPage();
    await page.goto(base + '/code');
    await page.getByLabel('Your access code').fill(codeWait);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /Open/ }).click()]);
    const visit = page.url();
    assert.match(visit, /\/c\/[A-Za-z0-9_-]{32}$/);
    const bare = codeWait.replace('-', '');
    const noCode = u => assert.ok(!u.toUpperCase().replace(/-/g, '').includes(bare), `the code in ${u}`);
    noCode(visit);
    await choose(page, 'Mostly');
    await next(page);
    assert.strictEqual(page.url(), visit);
    assert.match(await page.locator('main').innerText(), /Question 2 of/);
    let resp = await page.goBack();
    assert.ok(resp, 'Back led nowhere');
    assert.strictEqual(resp.status(), 200);
    // (the screen the questionnaire is at, as on the link's address)
    assert.strictEqual(page.url(), visit);
    assert.match(await page.locator('main').innerText(), /Question 2 of/);
    await shot(page, 'phone-code-back');
    resp = await page.reload();
    assert.strictEqual(resp.status(), 200);
    assert.match(await page.locator('main').innerText(), /Question 2 of/);
    // the bad-guess limit full (as behind a reverse proxy, where everyone
    // shares one address): the visit goes on, as a link does
    for (let i = 0; i < 25; i++) {
      const r = await ctx.request.post(base + '/code', { form: { _code: 'ZZZZZ-ZZZZZ', action: 'open' } });
      if (r.status() === 429) break;
      assert.strictEqual(r.status(), 404);
    }
    await choose(page, 'Completely');
    await next(page);
    assert.match(await page.locator('main').innerText(), /Question 3 of/);
    // the code typed then is turned away, with a page that says to wait
    await page.goto(base + '/code');
    await page.getByLabel('Your access code').fill(codeWait);
    [resp] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /Open/ }).click()]);
    assert.strictEqual(resp.status(), 429);
    assert.strictEqual(await page.locator('h1').innerText(), 'Please wait a minute');
    await checkLayout(page, 360);
    await shot(page, 'phone-wait');
    // a visit the server no longer knows asks for the code again
    resp = await page.goto(base + '/c/' + 'A'.repeat(32));
    assert.strictEqual(resp.status(), 404);
    assert.match(await page.locator('[role=alert]').innerText(), /asked again/);
    await checkLayout(page, 360);
    await shot(page, 'phone-code-again');
    await ctx.close();
  } finally {
    await browser.close();
  }
  console.log('browser: ok');
})().catch(e => { console.error(e); process.exit(1); });
