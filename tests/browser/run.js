// Browser tests for Vägvisare in Debian's headless Chromium (no browser download):
// axe-core on every page type in both languages (WCAG 2.1 A/AA, zero violations), no page
// scrolling sideways at 390 and 1280 px, search-as-you-type, facet filtering, opening a hit at
// its section, the IOP check, the workshop (projector slides that fit 1280×720 and 1366×768 in
// the chosen order, keys, hand-outs printed to A4 PDF with an exact page count, the picker and
// reordering without JavaScript), use without JavaScript, and screenshots in target/screenshots/.
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

/// The editors' report is on only when a token is set; the browser tests log in with this one.
const EDITOR_TOKEN = 'webblasartestets-redaktionsnyckel';

function startServer() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vagvisare-browser-'));
  const child = spawn(bin, ['serve', '--corpus', path.join(repo, 'corpus'), '--index', path.join(tmp, 'index'), '--addr', '127.0.0.1:0'],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { VAGVISARE_DICTIONARY: '/usr/share/hunspell/sv_SE.dic', ...process.env, RUST_LOG: 'warn', VAGVISARE_EDITOR_TOKEN: EDITOR_TOKEN } });
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
  ['editor-login', '/redaktion'],
  // The English interface (documents and cards keep their language).
  ['en-start', '/?sprak=en'],
  ['en-search', '/?q=reserverade%20kontrakt&sprak=en'],
  ['en-document', '/dok/iop/vad-ar-iop.md?q=partnerskap&sprak=en'],
  ['en-iop-result', '/iop/resultat?v=2&ideburen=ja&offentlig-kontroll=nej&vinst=aterinvesteras&forpliktelser=delvis&ersattning=vet-ej&marknad=andra-finns&initiativ=organisationen&medfinansiering=betydande&tjanstetyp=vard-omsorg-social&sprak=en'],
  ['en-thresholds', '/troskelvarden?value=850000&kind=tjanster&buyer=kommun&sprak=en'],
  ['en-comparison', '/jamforelse?sprak=en'],
  ['en-handouts', '/workshop/utskrift?k=vad-ar-iop,hfd-alingsas&per=4&sprak=en'],
  ['en-search-filter', '/?q=upphandling&topic=iop&sprak=en'],
  ['en-zero-hits', '/?q=zzqqxxvv&sprak=en'],
  ['en-cards', '/kort?sprak=en'],
  ['en-card', '/kort/vad-ar-iop?sprak=en'],
  ['en-iop', '/iop?sprak=en'],
  ['en-iop-needs-answers', '/iop/resultat?v=2&ideburen=ja&sprak=en'],
  ['en-iop-reserved', '/iop/resultat?v=2&ideburen=ja&offentlig-kontroll=nej&vinst=aterinvesteras&forpliktelser=ja&ersattning=per-styck&marknad=andra-finns&tjanstetyp=vard-omsorg-social&register=ja&sprak=en'],
  ['en-workshop', '/workshop?k=vad-ar-iop&k=hfd-alingsas&sprak=en'],
  ['en-projector', '/workshop/visa?k=vad-ar-iop,hfd-alingsas&i=0&sprak=en'],
  ['en-changes', '/nytt?sprak=en'],
  ['en-accessibility', '/tillganglighet?sprak=en'],
  ['en-not-found', '/finns-inte?sprak=en'],
  ['workshop-empty', '/workshop'],
  ['handouts-one', '/workshop/utskrift?k=vad-ar-iop,hfd-alingsas&per=1'],
];

/// The six cards with the longest answers, in an order that is not alphabetical.
const LONGEST = ['valja-reservationsregel', 'reservation-artikel-77', 'registrering-krav-reserverad-upphandling',
  'reservera-under-troskelvardet', 'reservera-for-sociala-foretag', 'bestammande-inflytande'];

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
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        if (overflow > 1 && tag !== 'zoom200') fail(`${name} scrolls sideways at ${tag} (${overflow}px)`);
        if (tag === 'desktop') {
          await page.addScriptTag({ content: axeSource });
          const r = await page.evaluate(async () => await axe.run(document, {
            runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
          if (r.violations.length) {
            fail(`axe ${name}: ` + r.violations.map((v) => `${v.id} (${v.nodes.length}: ${v.nodes[0].target})`).join(', '));
          } else ok(`axe ${name}: 0 violations, ${r.passes.length} rules passed`);
        } else if (tag === 'zoom200' && overflow > 1) fail(`${name} scrolls sideways at ${tag} (${overflow}px)`);
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
    await Promise.all([page.waitForNavigation(), page.click('.actionbar button[type=submit]')]);
    await Promise.all([page.waitForNavigation(), page.locator('.actionbar a', { hasText: 'fyra kort' }).click()]);
    if (await page.locator('article.handout').count() === 2) ok('workshop print view with 2 hand-outs'); else fail('workshop print view');
    await workshop(browser, base, ok, fail);
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

    // 9. "Hjälpte svaret?" with and without JavaScript, and the editors' report it feeds.
    await votesAndReport(browser, base, ok, fail);
  } finally {
    await browser.close();
    child.kill();
  }
  console.log(`screenshots in ${shots}`);
  console.log(`browser: ${passed} passed, ${failures} failed`);
  process.exit(failures ? 1 : 0);
}

/// The workshop in a real room: projector slides, keys, hand-outs on paper, and the picker
/// without JavaScript.
async function workshop(browser, base, ok, fail) {
  const session = 'k=' + LONGEST.join(',') + '&titel=' + encodeURIComponent('Workshop i Västerås') + '&datum=2026-12-10';
  const titles = [];
  for (const [width, height] of [[1280, 720], [1366, 768]]) {
    const ctx = await browser.newContext({ viewport: { width, height } });
    const page = await ctx.newPage();
    let fits = 0;
    const seen = [];
    for (let i = 0; i < LONGEST.length; i++) {
      await page.goto(`${base}/workshop/visa?${session}&i=${i}`);
      const [h, w, title] = await page.evaluate(() => [document.documentElement.scrollHeight - window.innerHeight,
        document.documentElement.scrollWidth - window.innerWidth, document.querySelector('h1').textContent]);
      if (h <= 0 && w <= 0) fits++; else fail(`slide ${i + 1} overflows ${width}×${height} by ${h}px down, ${w}px across: ${title}`);
      seen.push(title);
      if (width === 1280 && i < 2) await page.screenshot({ path: path.join(shots, `projector-720p-${i + 1}.png`) });
    }
    if (!titles.length) titles.push(...seen);
    if (fits === LONGEST.length) ok(`all ${fits} longest cards fit one slide at ${width}×${height}`);
    // Keys: End, Home, Space, Escape.
    await page.goto(`${base}/workshop/visa?${session}&i=2`);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('End')]);
    const atEnd = page.url().includes('&i=5');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Home')]);
    const atStart = page.url().includes('&i=0');
    await Promise.all([page.waitForNavigation(), page.keyboard.press(' ')]);
    const stepped = page.url().includes('&i=1');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Escape')]);
    const back = page.url().includes('/workshop?') && page.url().includes('titel=');
    if (atEnd && atStart && stepped && back) ok(`projector keys End, Home, Space, Escape at ${width}×${height}`);
    else fail(`projector keys: End ${atEnd}, Home ${atStart}, Space ${stepped}, Escape ${back}`);
    await ctx.close();
  }
  // The slides follow the chosen order, not the alphabet.
  const ctxOrder = await browser.newContext();
  const po = await ctxOrder.newPage();
  const expected = [];
  for (const id of LONGEST) {
    await po.goto(`${base}/kort/${id}`);
    expected.push(await po.locator('h1').textContent());
  }
  await ctxOrder.close();
  if (JSON.stringify(titles) === JSON.stringify(expected)) ok('slides in the chosen order');
  else fail('slides out of order: ' + titles.join(' | '));
  // Hand-outs printed to A4: exactly one page per card, or two pages for four per page, and
  // nothing outside a card or the printable width.
  const ctxPrint = await browser.newContext();
  const pp = await ctxPrint.newPage();
  for (const [per, pages] of [[1, 6], [4, 2]]) {
    await pp.goto(`${base}/workshop/utskrift?${session}&per=${per}`);
    await pp.emulateMedia({ media: 'print' });
    const cut = await pp.evaluate(() => Array.from(document.querySelectorAll('.handout, .sheet'))
      .filter((e) => e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1).length);
    const file = path.join(shots, `handouts-${per}-per-page.pdf`);
    const pdf = await pp.pdf({ path: file, format: 'A4', printBackground: true, preferCSSPageSize: true });
    const count = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
    if (count === pages && cut === 0) ok(`hand-outs, ${per} per page: ${count} A4 pages, nothing cut`);
    else fail(`hand-outs, ${per} per page: ${count} pages (want ${pages}), ${cut} cut`);
    const text = await pp.evaluate(() => document.body.innerText);
    if (/Workshop i Västerås/.test(text) && !/hfd-alingsas,|Läs mer:/.test(text)) ok(`hand-outs, ${per} per page: session title, no internal ids`);
    else fail('hand-outs lack the session title or show internal ids');
  }
  // Result pages on paper: no blank page, and the address and date printed.
  for (const [name, url] of [['search', '/?q=reserverade%20kontrakt'], ['document', '/dok/iop/vad-ar-iop.md'],
    ['card', '/kort/vad-ar-iop'], ['iop-result', PAGES.find((x) => x[0] === 'iop-result')[1]],
    ['thresholds', '/troskelvarden?value=850000&kind=tjanster&buyer=kommun'], ['comparison', '/jamforelse']]) {
    await pp.goto(base + url);
    const file = path.join(shots, `print-${name}.pdf`);
    await pp.pdf({ path: file, format: 'A4', printBackground: true });
    const r = require('child_process').spawnSync('pdftotext', ['-layout', file, '-']);
    if (r.error) { console.log('pdftotext missing: printed pages not checked'); break; }
    const pagesText = r.stdout.toString().split('\f').slice(0, -1);
    const blank = pagesText.filter((t) => !t.trim()).length;
    const footer = /Utskrivet från Vägvisare/.test(r.stdout.toString());
    if (pagesText.length > 0 && blank === 0 && footer) ok(`print ${name}: ${pagesText.length} page(s), none blank, address and date printed`);
    else fail(`print ${name}: ${pagesText.length} pages, ${blank} blank, footer ${footer}`);
  }
  await ctxPrint.close();
  // Without JavaScript: pick, reorder, remove and print.
  const nojs = await browser.newContext({ javaScriptEnabled: false });
  const p = await nojs.newPage();
  await p.goto(`${base}/workshop`);
  const boxes = p.locator('.cardpicker input[type=checkbox]');
  await boxes.nth(3).check();
  await boxes.nth(0).check();
  await boxes.nth(5).check();
  await p.fill('#titel', 'Passet');
  await Promise.all([p.waitForNavigation(), p.click('.actionbar button[type=submit]')]);
  const before = await p.locator('ol.chosen li').evaluateAll((l) => l.map((x) => x.getAttribute('data-id')));
  await Promise.all([p.waitForNavigation(), p.locator('ol.chosen li').nth(0).locator('a.mini').first().click()]);
  const after = await p.locator('ol.chosen li').evaluateAll((l) => l.map((x) => x.getAttribute('data-id')));
  const moved = before.length === 3 && after[0] === before[1] && after[1] === before[0];
  await Promise.all([p.waitForNavigation(), p.locator('ol.chosen li').nth(2).locator('a.mini').last().click()]);
  const left = await p.locator('ol.chosen li').count();
  // Ticking one more keeps the order of the others.
  await p.locator('.cardpicker input[type=checkbox]:not(:checked)').first().check();
  await Promise.all([p.waitForNavigation(), p.click('.actionbar button[type=submit]')]);
  const kept = await p.locator('ol.chosen li').evaluateAll((l) => l.map((x) => x.getAttribute('data-id')));
  const orderKept = kept[0] === after[0] && kept[1] === after[1] && kept.length === 3;
  await Promise.all([p.waitForNavigation(), p.locator('.actionbar a', { hasText: 'ett kort' }).click()]);
  const printed = await p.locator('article.handout').count();
  const titled = (await p.locator('.sheethead').first().textContent()).includes('Passet');
  if (moved && left === 2 && orderKept && printed === 3 && titled) ok('workshop without JavaScript: pick, reorder, remove, print');
  else fail(`workshop without JavaScript: moved ${moved}, left ${left}, order kept ${orderKept}, printed ${printed}, titled ${titled}`);
  await nojs.close();
  // The hand-out PDFs as pictures, to look at.
  for (const per of [1, 4]) {
    const pdf = path.join(shots, `handouts-${per}-per-page.pdf`);
    const r = require('child_process').spawnSync('pdftoppm', ['-png', '-r', '50', pdf, path.join(shots, `handouts-${per}-per-page`)]);
    if (r.error) console.log('pdftoppm missing: the hand-out PDFs were not rendered to PNG');
  }
}

/// A vote with JavaScript stays on the page; without it the form posts and the page returns
/// thanking. The editor logs in through the form (the cookie works in a real browser) and the
/// report, which now lists the searches and the vote, passes axe at desktop and phone width.
async function votesAndReport(browser, base, ok, fail) {
  const js = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const p = await js.newPage();
  await p.goto(`${base}/?q=qqvinterzz`);
  await p.goto(`${base}/kort/vad-ar-iop`);
  const before = p.url();
  await p.click('.vote button[value=nej]');
  await p.locator('.vote-status', { hasText: 'Tack' }).waitFor({ timeout: 5000 }).catch(() => {});
  const thanked = await p.locator('.vote-status').textContent();
  const focused = await p.evaluate(() => document.activeElement && document.activeElement.className);
  if (p.url() === before && /Tack/.test(thanked) && await p.locator('.vote form').count() === 0 && focused === 'vote-status') {
    ok('vote with JavaScript: thanks in place, focus on it, no reload');
  } else fail(`vote with JavaScript: url ${p.url()}, status "${thanked}", focus ${focused}`);
  await js.close();

  const nojs = await browser.newContext({ javaScriptEnabled: false });
  const q = await nojs.newPage();
  await q.goto(`${base}/?q=reserverade%20kontrakt`);
  const voteButton = q.locator('.cards .vote button[value=ja]').first();
  if (await voteButton.count() === 0) fail('no vote form under the answer cards of a search');
  else {
    await Promise.all([q.waitForNavigation(), voteButton.click()]);
    const back = q.url();
    if (back.includes('/?q=reserverade%20kontrakt') && back.includes('rostat=') && await q.locator('.vote-status', { hasText: 'Tack' }).count() === 1) {
      ok('vote without JavaScript: back on the results, thanked');
    } else fail(`vote without JavaScript: ${back}`);
  }
  await nojs.close();

  for (const [width, height, tag] of [[1280, 900, 'desktop'], [390, 844, 'phone']]) {
    const ctx = await browser.newContext({ viewport: { width, height }, bypassCSP: true });
    const e = await ctx.newPage();
    const first = await e.goto(`${base}/redaktion`);
    await e.fill('#token', EDITOR_TOKEN);
    await Promise.all([e.waitForNavigation(), e.click('form.login button')]);
    const listed = await e.locator('#no_hits').textContent();
    const voted = await e.locator('#unhelpful').textContent();
    if (first.status() === 401 && /qqvinterzz/.test(listed) && /IOP/.test(voted)) ok(`editor report after logging in (${tag})`);
    else fail(`editor report (${tag}): first ${first.status()}, lists ${listed.slice(0, 80)} / ${voted.slice(0, 80)}`);
    await e.screenshot({ path: path.join(shots, `editor-${tag}.png`), fullPage: true });
    const overflow = await e.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 1) fail(`editor report scrolls sideways at ${tag} (${overflow}px)`);
    await e.addScriptTag({ content: axeSource });
    const r = await e.evaluate(async () => await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
    if (r.violations.length) fail(`axe editor (${tag}): ` + r.violations.map((v) => `${v.id} (${v.nodes.length}: ${v.nodes[0].target})`).join(', '));
    else ok(`axe editor report (${tag}): 0 violations`);
    await ctx.close();
  }
}

main().catch((e) => { console.error(e); process.exit(2); });
