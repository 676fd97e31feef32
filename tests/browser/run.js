// Browser tests for Vägvisare in Debian's headless Chromium (no browser download):
// axe-core on every page type (WCAG 2.1 A/AA, zero violations), search-as-you-type, facet
// filtering, opening a hit at its section, the IOP check, the workshop print view, use without
// JavaScript, and screenshots at desktop and phone width in target/screenshots/.
'use strict';
const { chromium } = require('playwright-core');
const axeSource = require('axe-core').source;
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const repo = path.resolve(__dirname, '..', '..');
const bin = process.env.VAGVISARE_BIN || path.join(repo, 'target', 'debug', 'vagvisare');
const shots = path.join(repo, 'target', 'screenshots');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

function startServer() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vagvisare-browser-'));
  const child = spawn(bin, ['serve', '--corpus', path.join(repo, 'corpus'), '--index', path.join(tmp, 'index'), '--addr', '127.0.0.1:0'],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { VAGVISARE_DICTIONARY: '/usr/share/hunspell/sv_SE.dic', ...process.env, RUST_LOG: 'warn' } });
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('server did not start: ' + buf)), 120000);
    child.stderr.on('data', (d) => {
      buf += d.toString();
      const m = buf.match(/Vägvisare: (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) { clearTimeout(timer); resolve({ child, base: m[1] }); }
    });
    child.on('exit', (code) => reject(new Error('server exited ' + code + ': ' + buf)));
  });
}

const PAGES = [
  ['start', '/'],
  ['search', '/?q=reserverade%20kontrakt'],
  ['search-filter', '/?q=upphandling&topic=iop'],
  ['zero-hits', '/?q=zzqqxxvv'],
  ['document', '/dok/iop/vad-ar-iop.md?q=partnerskap'],
  ['cards', '/kort'],
  ['card', '/kort/vad-ar-iop'],
  ['iop', '/iop'],
  ['iop-result', '/iop/resultat?v=2&ideburen=ja&offentlig-kontroll=nej&vinst=aterinvesteras&forpliktelser=delvis&ersattning=vet-ej&marknad=andra-finns&initiativ=organisationen&medfinansiering=betydande&tjanstetyp=vard-omsorg-social'],
  ['iop-needs-answers', '/iop/resultat?v=2&ideburen=ja'],
  ['iop-reserved', '/iop/resultat?v=2&ideburen=ja&offentlig-kontroll=nej&vinst=aterinvesteras&forpliktelser=ja&ersattning=per-styck&marknad=andra-finns&tjanstetyp=vard-omsorg-social&register=ja'],
  ['thresholds', '/troskelvarden?value=850000&kind=tjanster&buyer=kommun'],
  ['workshop', '/workshop?k=vad-ar-iop&k=hfd-alingsas'],
  ['projector', '/workshop/visa?k=vad-ar-iop,hfd-alingsas&i=0'],
  ['handouts', '/workshop/utskrift?k=vad-ar-iop,hfd-alingsas&per=4'],
  ['changes', '/nytt'],
  ['comparison', '/jamforelse'],
  ['accessibility', '/tillganglighet'],
  ['not-found', '/finns-inte'],
  // The English interface (documents and cards keep their language).
  ['en-start', '/?sprak=en'],
  ['en-search', '/?q=reserverade%20kontrakt&sprak=en'],
  ['en-document', '/dok/iop/vad-ar-iop.md?q=partnerskap&sprak=en'],
  ['en-iop-result', '/iop/resultat?v=2&ideburen=ja&offentlig-kontroll=nej&vinst=aterinvesteras&forpliktelser=delvis&ersattning=vet-ej&marknad=andra-finns&initiativ=organisationen&medfinansiering=betydande&tjanstetyp=vard-omsorg-social&sprak=en'],
  ['en-thresholds', '/troskelvarden?value=850000&kind=tjanster&buyer=kommun&sprak=en'],
  ['en-comparison', '/jamforelse?sprak=en'],
  ['en-handouts', '/workshop/utskrift?k=vad-ar-iop,hfd-alingsas&per=4&sprak=en'],
];

async function main() {
  fs.mkdirSync(shots, { recursive: true });
  const { child, base } = await startServer();
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  let failures = 0;
  const fail = (msg) => { failures++; console.log('FAIL ' + msg); };
  let passed = 0;
  const ok = (msg) => { passed++; console.log('ok   ' + msg); };
  try {
    // 1. axe on every page type, and screenshots at two widths.
    // 200 % zoom of a 1280 px window is a 640 px CSS viewport at device scale 2.
    for (const [width, height, tag, scale] of [[1280, 900, 'desktop', 1], [390, 844, 'phone', 1], [640, 450, 'zoom200', 2]]) {
      const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: scale, bypassCSP: true });
      for (const [name, url] of PAGES) {
        const page = await context.newPage();
        await page.goto(base + url, { waitUntil: 'load' });
        await page.screenshot({ path: path.join(shots, `${name}-${tag}.png`), fullPage: false });
        if (tag === 'desktop') {
          await page.addScriptTag({ content: axeSource });
          const r = await page.evaluate(async () => await axe.run(document, {
            runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
          if (r.violations.length) {
            fail(`axe ${name}: ` + r.violations.map((v) => `${v.id} (${v.nodes.length}: ${v.nodes[0].target})`).join(', '));
          } else ok(`axe ${name}: 0 violations, ${r.passes.length} rules passed`);
        } else {
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          if (overflow > 1 && name !== 'comparison' && name !== 'en-comparison') fail(`${name} scrolls sideways at ${tag} (${overflow}px)`);
        }
        await page.close();
      }
      await context.close();
    }

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    // 2. Type a query: suggestions appear, arrow keys and Enter open one.
    await page.goto(base + '/');
    await page.fill('#q', '');
    await page.type('#q', 'reserverade kontr', { delay: 30 });
    await page.waitForSelector('#forslag li', { timeout: 5000 });
    const n = await page.locator('#forslag li').count();
    await page.keyboard.press('ArrowDown');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    if (n > 0 && (page.url().includes('/dok/') || page.url().includes('/kort/'))) ok(`suggestions: ${n}, Enter opened ${page.url().replace(base, '')}`);
    else fail('suggestions did not lead to a page: ' + page.url());
    // 3. Search, then filter by a facet.
    await page.goto(base + '/?q=upphandling');
    const cards = await page.locator('.cards .card').count();
    const hits = await page.locator('li.hit').count();
    if (hits > 0) ok(`search shows ${cards} card(s) and ${hits} hits`); else fail('no hits');
    await page.click('.facets summary');
    await Promise.all([page.waitForNavigation(), page.locator('.facetgroup a').first().click()]);
    if (/[?&](topic|audience|lang|format|source|year)=/.test(page.url()) && await page.locator('.chip').count() === 1) ok('facet filter applied: ' + page.url().replace(base, ''));
    else fail('facet filter not applied: ' + page.url());
    // 4. Open a hit at its section anchor.
    await page.goto(base + '/?q=' + encodeURIComponent('överenskommelsen i östergötland'));
    const href = await page.locator('li.hit h2 a').first().getAttribute('href');
    await page.goto(base + href);
    const anchor = href.split('#')[1];
    if (anchor && await page.locator('#' + anchor).count() === 1) ok('hit opens its section #' + anchor); else fail('section anchor missing: ' + href);
    // 5. The IOP check.
    await page.goto(base + '/iop');
    for (const q of await page.locator('fieldset').all()) {
      await q.locator('input[type=radio]').first().check();
    }
    await Promise.all([page.waitForNavigation(), page.click('form.iopform button[type=submit]')]);
    if (page.url().includes('/iop/resultat?') && await page.locator('text=Säkerhet i bedömningen').count() === 1) ok('IOP check gives an indication');
    else fail('IOP check failed: ' + page.url());
    // 6. Build a workshop list and open its print view.
    await page.goto(base + '/workshop');
    const boxes = page.locator('.picker input[type=checkbox]');
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await Promise.all([page.waitForNavigation(), page.click('.picker button')]);
    await Promise.all([page.waitForNavigation(), page.locator('.session a', { hasText: 'fyra kort' }).click()]);
    if (await page.locator('article.handout').count() === 2) ok('workshop print view with 2 hand-outs'); else fail('workshop print view');
    // 7. The language switch: one click to English, and the choice stays on the next page.
    await page.goto(base + '/?q=upphandling');
    await Promise.all([page.waitForNavigation(), page.click('a.langswitch')]);
    const langNow = await page.evaluate(() => document.documentElement.lang);
    await page.goto(base + '/kort');
    const kept = await page.evaluate(() => document.documentElement.lang);
    const heading = await page.locator('h1').first().textContent();
    if (langNow === 'en' && kept === 'en' && heading === 'Answer cards' && page.url().endsWith('/kort')) ok('language switch to English, kept on the next page');
    else fail(`language switch: ${langNow}, then ${kept} "${heading}"`);
    await Promise.all([page.waitForNavigation(), page.click('a.langswitch')]);
    if (await page.evaluate(() => document.documentElement.lang) === 'sv') ok('language switch back to Swedish'); else fail('switch back to Swedish');
    await context.close();

    // 8. Without JavaScript: search and the IOP check still work.
    const nojs = await browser.newContext({ javaScriptEnabled: false });
    const p2 = await nojs.newPage();
    await p2.goto(base + '/');
    await p2.fill('#q', 'direktupphandling');
    await Promise.all([p2.waitForNavigation(), p2.click('form.search button')]);
    if (await p2.locator('li.hit').count() > 0) ok('search works without JavaScript'); else fail('no-JS search');
    await p2.goto(base + '/iop');
    await p2.locator('input[type=radio]').first().check();
    await Promise.all([p2.waitForNavigation(), p2.click('form.iopform button[type=submit]')]);
    if (p2.url().includes('/iop/resultat')) ok('IOP check works without JavaScript'); else fail('no-JS IOP check');
    await nojs.close();
  } finally {
    await browser.close();
    child.kill();
  }
  console.log(`screenshots in ${shots}`);
  console.log(`browser: ${passed} passed, ${failures} failed`);
  process.exit(failures ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(2); });
