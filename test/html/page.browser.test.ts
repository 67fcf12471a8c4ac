// The teaching page in a real browser (headless Chromium driven by playwright-core): click through
// the seed scenario to its report and check what is on the screen. Screenshots of the key steps go
// to test-artifacts/html/ (gitignored). Needs Debian's chromium package; without it these tests
// fail and say how to install it.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textContextFor } from '../../src/cli/context.js';
import { exploreReport } from '../../src/explore/explore.js';
import { renderHtmlPage } from '../../src/html/index.js';
import { parseInput } from '../../src/input.js';
import { replay } from '../../src/validator/replay.js';
import { HOSTILE_YAML } from './fixtures.js';

const CHROMIUM = process.env.LOCKDEP_SIM_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCENARIOS = path.resolve(__dirname, '../../scenarios');
const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts/html');
const T = 60_000;

let browser: Browser;
let missing: Error | undefined;
let dir: string;

/** Writes the page of a scenario to the temp folder, with the explorer's verdicts as `lockdep-sim html` does by default; returns its file: URL. */
function makePage(name: string, file: string, text = readFileSync(file, 'utf8'), opts: { explore?: boolean } = {}): string {
  const scenario = parseInput(text, file);
  const report = replay(scenario, { timeline: true });
  const out = path.join(dir, `${name}.html`);
  const explore = opts.explore === false ? undefined : exploreReport(scenario, report);
  writeFileSync(out, renderHtmlPage(scenario, report, { text: textContextFor(scenario), ...(explore ? { explore } : {}) }));
  return pathToFileURL(out).href;
}

interface Opened {
  page: Page;
  /** Uncaught errors, console errors and warnings (CSP violations show up here). */
  problems: string[];
  /** Every URL the page requested. */
  requests: string[];
  dialogs: string[];
}

async function open(url: string, opts: { animate?: boolean; theme?: 'light' | 'dark'; width?: number; height?: number } = {}): Promise<Opened> {
  if (missing) throw missing;
  const page = await browser.newPage({
    viewport: { width: opts.width ?? 1600, height: opts.height ?? 900 },
    reducedMotion: opts.animate ? 'no-preference' : 'reduce',
    colorScheme: opts.theme ?? 'light',
  });
  const o: Opened = { page, problems: [], requests: [], dialogs: [] };
  page.on('pageerror', (e) => o.problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') o.problems.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('request', (r) => o.requests.push(r.url()));
  page.on('dialog', (d) => {
    o.dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(url);
  await page.waitForSelector('html.is-ready');
  return o;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

const texts = (page: Page, sel: string) => page.locator(sel).allTextContents();

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'lockdep-html-browser-'));
  mkdirSync(ARTIFACTS, { recursive: true });
  // Without Chromium every test fails (in open()) with this message; none is skipped.
  if (!existsSync(CHROMIUM)) {
    missing = new Error(
      `The HTML page's browser tests need Chromium, and there is none at ${CHROMIUM}.\n` +
        `Install it with:  apt-get update && apt-get install -y chromium\n` +
        `(or point LOCKDEP_SIM_CHROMIUM at a Chromium binary). These tests do not skip themselves.`,
    );
    return;
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}, T);

afterAll(async () => {
  await browser?.close();
});

describe('the seed scenario in Chromium', () => {
  let url: string;
  beforeAll(() => {
    url = makePage('seed', path.join(SCENARIOS, 'mm-hotremove-2019.yaml'));
  });

  it('starts before the first step, with nothing held and an empty graph', async () => {
    const { page, problems } = await open(url);
    await expect(page.locator('#counter').textContent()).resolves.toBe('Step 0 / 66');
    await expect(page.locator('#narration').textContent()).resolves.toMatch(/^Ready\. 66 steps in 5 tasks/);
    expect(await texts(page, '.task-name')).toEqual(['swapper/0/0', 'swapper/0/1', 'ndctl', 'bash', 'daxctl']);
    expect(await page.locator('#graph .node:not(.is-hidden)').count()).toBe(0);
    expect(await page.locator('#btn-prev').isDisabled()).toBe(true);
    await shot(page, 'seed-00-start');
    expect(problems).toEqual([]);
    await page.close();
  }, T);

  it('jumps to the report: held locks, the highlighted cycle and the splat', async () => {
    const { page, problems, requests } = await open(url);
    await page.getByRole('button', { name: /Jump to the next report/ }).click();
    await expect(page.locator('#counter').textContent()).resolves.toBe('Step 54 / 66');
    const narration = await page.locator('#narration').textContent();
    expect(narration).toContain('daxctl step 10: lock kn->count');
    expect(narration).toContain('Report: possible circular locking dependency detected.');
    // The current step is daxctl's 10th, under the cursor.
    const current = page.locator('.task:nth-child(5) .step[aria-current="step"]');
    await expect(current.locator('.step-label').textContent()).resolves.toBe('lock kn->count');
    // daxctl's held locks: the seven of the splat, and kn->count#424 it just took.
    expect(await texts(page, '#held-4 .held-name')).toEqual([
      'sb_writers#4',
      '&of->mutex',
      '&dev->mutex',
      'device_hotplug_lock',
      'cpu_hotplug_lock.rw_sem',
      'mem_hotplug_lock.rw_sem',
      'mem_sysfs_mutex',
      'kn->count#424',
    ]);
    expect(await texts(page, '#held-4 .held-mode')).toEqual(['r', 'W', 'W', 'W', 'r', 'W', 'W', 'W']);
    // The cycle: four classes, three recorded edges and the refused one.
    const cycleNodes = (await texts(page, '#graph .node.is-cycle .node-name')).map((s) => s.trim()).sort();
    expect(cycleNodes).toEqual(['cpu_hotplug_lock.rw_sem', 'kn->count#424', 'mem_hotplug_lock.rw_sem', 'mem_sysfs_mutex']);
    expect(await page.locator('#graph path.edge.is-cycle').count()).toBe(4);
    expect(await page.locator('#graph path.edge.is-cycle.is-attempted').count()).toBe(1);
    expect(await texts(page, '#graph .elabel.is-attempted text')).toEqual(['refused · daxctl#10']);
    // The cycle search that found it: four classes visited, in order, and the path.
    expect(await texts(page, '#graph .node.bfs-visited .bfs-badge text')).toHaveLength(4);
    await expect(page.locator('#bfs-caption').textContent()).resolves.toBe(
      'Cycle search from kn->count#424 found: kn->count#424 → cpu_hotplug_lock.rw_sem → mem_hotplug_lock.rw_sem → mem_sysfs_mutex',
    );
    // The splat, in the Report tab that opened by itself.
    await expect(page.locator('#tab-report').getAttribute('aria-selected')).resolves.toBe('true');
    const splat = (await page.locator('#splat').textContent())!;
    expect(splat).toContain('WARNING: possible circular locking dependency detected');
    expect(splat).toContain('daxctl/22950 is trying to acquire lock:');
    expect(splat).toContain('-> #1 (cpu_hotplug_lock.rw_sem){++++}:');
    expect(splat).toContain('7 locks held by daxctl/22950:');
    expect(splat).toContain(' #6: 000000001de3b203 (mem_sysfs_mutex){+.+.}, at: unregister_memory_section+0x22/0xa0');
    // Next to it, the explorer's verdict: a false positive, kept apart by device_hotplug_lock.
    const verdict = page.getByRole('region', { name: /^Real deadlock\? The explorer: REFUTED$/ });
    expect(await verdict.isVisible()).toBe(true);
    await expect(verdict.locator('.verdict-summary').textContent()).resolves.toBe('Refuted for every interleaving — gate: device_hotplug_lock');
    await expect(verdict.textContent()).resolves.toContain('device_hotplug_lock is held on every edge that could close the cycle');
    expect(await page.locator('#schedule').count()).toBe(0);
    await shot(page, 'seed-54-report');
    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
    await page.close();
  }, T);

  it('follows a -> #N entry of the splat to the step that recorded it, and back', async () => {
    const { page, problems } = await open(url);
    await page.keyboard.press('r');
    await page.getByRole('link', { name: /^-> #1 \(cpu_hotplug_lock\.rw_sem\)/ }).click();
    // bash, step 6: cpus_read_lock() under kn->count#424 (the sysfs write that onlines memory).
    await expect(page.locator('#counter').textContent()).resolves.toBe('Step 36 / 66');
    const current = page.locator('.task:nth-child(4) .step[aria-current="step"]');
    await expect(current.locator('.step-label').textContent()).resolves.toBe('read cpu_hotplug_lock.rw_sem');
    await expect(page.locator('#narration').textContent()).resolves.toContain('bash step 6');
    // The dependency that entry is about is highlighted, and it was recorded right here.
    expect(await texts(page, '#graph .elabel.is-link text')).toEqual(['SN · bash#6']);
    expect(await page.locator('#graph path.edge.is-link.is-new').count()).toBe(1);
    expect(await texts(page, '#held-3 .held-name')).toContain('kn->count#424');
    // The report stays in view, saying it comes later.
    await expect(page.locator('#panel-report .banner').textContent()).resolves.toMatch(/^This report fires later, at step 54 \(daxctl step 10\); you are at step 36\./);
    await expect(page.locator('.splat-link.is-on').textContent()).resolves.toBe('-> #1 (cpu_hotplug_lock.rw_sem){++++}:');
    await shot(page, 'seed-36-link-1');
    // The boot path recorded #2 at swapper/0/0 step 3.
    await page.getByRole('link', { name: /^-> #2 / }).click();
    await expect(page.locator('#counter').textContent()).resolves.toBe('Step 3 / 66');
    expect(await texts(page, '#graph .elabel.is-link text')).toEqual(['SN · swapper/0/0#3']);
    // A held-lock line leads to the step that took it.
    await page.getByRole('link', { name: /^#3: .*device_hotplug_lock/ }).click();
    await expect(page.locator('#narration').textContent()).resolves.toContain('daxctl step 4: lock device_hotplug_lock');
    await page.getByRole('button', { name: 'Go to the report' }).click();
    await expect(page.locator('#counter').textContent()).resolves.toBe('Step 54 / 66');
    expect(problems).toEqual([]);
    await page.close();
  }, T);

  it('steps with the keyboard: held stack, chain cache, a new edge, back and forth', async () => {
    const { page, problems } = await open(url);
    await page.keyboard.press('ArrowRight'); // swapper/0/0 1: local_irq_disable()
    await expect(page.locator('.task:nth-child(1) .task-ctx').textContent()).resolves.toBe('process · hardirqs off');
    await page.keyboard.press('ArrowRight'); // 2: read cpu_hotplug_lock
    expect(await texts(page, '#held-0 .held-name')).toEqual(['cpu_hotplug_lock.rw_sem']);
    expect(await texts(page, '#held-0 .held-mode')).toEqual(['r']);
    await expect(page.locator('#chain-0 .badge').textContent()).resolves.toBe('miss');
    await expect(page.locator('#chain-0 .chain-key').textContent()).resolves.toMatch(/^[0-9a-f]{16}$/);
    expect(await page.locator('#graph path.edge:not(.is-hidden)').count()).toBe(0);
    await page.keyboard.press('n'); // 3: read mem_hotplug_lock: the first dependency
    expect(await texts(page, '#held-0 .held-name')).toEqual(['cpu_hotplug_lock.rw_sem', 'mem_hotplug_lock.rw_sem']);
    expect(await page.locator('#graph path.edge:not(.is-hidden)').count()).toBe(1);
    expect(await texts(page, '#graph .elabel.is-new text')).toEqual(['SN · swapper/0/0#3']);
    await expect(page.locator('#narration').textContent()).resolves.toContain('New dependency cpu_hotplug_lock.rw_sem → mem_hotplug_lock.rw_sem (SN)');
    await shot(page, 'seed-03-first-dependency');
    await page.keyboard.press('ArrowLeft');
    await expect(page.locator('#counter').textContent()).resolves.toBe('Step 2 / 66');
    expect(await page.locator('#graph path.edge:not(.is-hidden)').count()).toBe(0);
    // swapper/0/1 takes cpu_hotplug_lock again: same chain, a cache hit.
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    await expect(page.locator('#counter').textContent()).resolves.toBe('Step 7 / 66');
    await expect(page.locator('#chain-1 .badge').textContent()).resolves.toBe('hit');
    await page.keyboard.press('End');
    await expect(page.locator('#counter').textContent()).resolves.toBe('Step 66 / 66');
    expect(await page.locator('#btn-next').isDisabled()).toBe(true);
    await page.keyboard.press('Home');
    await expect(page.locator('#counter').textContent()).resolves.toBe('Step 0 / 66');
    // Space plays and pauses.
    await page.keyboard.press(' ');
    await expect(page.locator('#btn-play').getAttribute('aria-pressed')).resolves.toBe('true');
    await page.keyboard.press(' ');
    await expect(page.locator('#btn-play').getAttribute('aria-pressed')).resolves.toBe('false');
    // ? opens the shortcut list, Escape closes it.
    await page.keyboard.press('?');
    expect(await page.locator('#help').isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    expect(await page.locator('#help').isVisible()).toBe(false);
    expect(problems).toEqual([]);
    await page.close();
  }, T);

  it('shows usage bits flipping when a class is taken with irqs enabled', async () => {
    const { page, problems } = await open(`${url}#step=7`);
    // swapper/0/1 step 1: cpu_hotplug_lock taken for write with irqs on: {....} -> {+.+.}.
    await expect(page.locator('#narration').textContent()).resolves.toContain('swapper/0/1 step 1');
    const node = page.locator('#graph .node', { has: page.locator('.node-name', { hasText: /^cpu_hotplug_lock\.rw_sem $/ }) });
    await expect(node.locator('.node-usage').textContent()).resolves.toBe('{+.+.}');
    expect(await node.locator('.node-usage .flip').count()).toBe(2);
    await page.getByRole('tab', { name: 'This step' }).click();
    const row = page.locator('.usage-table tbody tr', { has: page.locator('th', { hasText: /^cpu_hotplug_lock\.rw_sem$/ }) });
    expect(await row.locator('td').allTextContents()).toEqual(['+', '.', '+', '.']);
    expect(await row.locator('td.flip').count()).toBe(2);
    await expect(page.locator('.notes').textContent()).resolves.toContain('Usage of cpu_hotplug_lock.rw_sem: HARDIRQ-ON-W, SOFTIRQ-ON-W set, now {+.+.}.');
    await shot(page, 'seed-07-usage-bits');
    expect(problems).toEqual([]);
    await page.close();
  }, T);

  it('animates the cycle search: classes light up one by one, then the path', async () => {
    const { page, problems } = await open(url, { animate: true });
    await page.keyboard.press('r');
    const visited = () => page.locator('#graph .node.bfs-visited').count();
    expect(await visited()).toBeLessThan(4);
    await page.waitForFunction(() => document.querySelectorAll('#graph .node.bfs-path').length === 4, undefined, { timeout: 10_000 });
    expect(await visited()).toBe(4);
    expect(await page.locator('#graph path.edge.bfs-path').count()).toBe(3);
    expect(problems).toEqual([]);
    await page.close();
  }, T);

  it('has a dark theme (T) and passes a contrast check in both themes', async () => {
    const { page, problems } = await open(url);
    await page.keyboard.press('r');
    await page.getByRole('tab', { name: 'This step' }).click();
    expect(await lowContrast(page)).toEqual([]);
    await page.keyboard.press('t');
    await expect(page.locator('html').getAttribute('data-theme')).resolves.toBe('dark');
    await expect(page.locator('#btn-theme').getAttribute('aria-pressed')).resolves.toBe('true');
    expect(await lowContrast(page)).toEqual([]);
    await page.getByRole('tab', { name: /^Report/ }).click();
    expect(await lowContrast(page)).toEqual([]);
    await shot(page, 'seed-54-report-dark');
    // The check itself catches a pale text.
    await page.evaluate(() => {
      const p = document.createElement('p');
      p.textContent = 'pale';
      p.className = 'probe';
      p.style.cssText = 'color:#777;background:#555;position:fixed;top:0;left:0';
      document.body.appendChild(p);
    });
    expect(await lowContrast(page)).toEqual([expect.stringMatching(/^p\.probe: 1\.\d+ "pale"$/)]);
    expect(problems).toEqual([]);
    await page.close();
  }, T);

  it('names every control, uses tabs and live regions, and reaches the controls by keyboard', async () => {
    const { page, problems } = await open(url);
    const unnamed = await page.evaluate(() =>
      [...document.querySelectorAll('button, a[href], input, [role="tab"]')]
        .filter((e) => !(e.getAttribute('aria-label') || e.textContent || '').trim())
        .map((e) => e.outerHTML.slice(0, 80)),
    );
    expect(unnamed).toEqual([]);
    expect(await page.getByRole('tablist').count()).toBe(1);
    expect(await page.getByRole('tab').count()).toBe(2);
    await expect(page.locator('#narration').getAttribute('aria-live')).resolves.toBe('polite');
    await expect(page.locator('#graph').getAttribute('role')).resolves.toBe('img');
    // The graph's text alternative lists the dependencies.
    await page.keyboard.press('End');
    expect(await texts(page, '#edge-list li')).toContain('sb_writers#4 → &of->mutex (SN), recorded at ndctl#2');
    // Tab order: the skip link, then the controls.
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('btn-start');
    // Enter on a focused step goes there.
    await page.locator('.task:nth-child(3) .step').nth(0).focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect(page.locator('#narration').textContent()).resolves.toContain('ndctl step 2');
    expect(problems).toEqual([]);
    await page.close();
  }, T);

  it('reads at a projector resolution (1280x720)', async () => {
    const { page, problems } = await open(url, { width: 1280, height: 720 });
    await page.keyboard.press('r');
    // Nothing spills out of the window, and graph text is at least 11px on screen.
    const size = await page.evaluate(() => ({ w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight }));
    expect(size).toEqual({ w: 1280, h: 720 });
    const px = () =>
      page.evaluate(() => {
        const t = document.querySelector('#graph .node:not(.is-hidden) .node-text') as SVGGraphicsElement;
        return t.getBoundingClientRect().height;
      });
    expect(await px()).toBeGreaterThan(11);
    await shot(page, 'seed-54-report-1280x720');
    // G gives the graph the whole height.
    const before = await px();
    await page.keyboard.press('g');
    expect(await page.locator('#tasks').isVisible()).toBe(false);
    expect(await px()).toBeGreaterThan(before * 1.3);
    await shot(page, 'seed-54-report-1280x720-graph');
    await page.keyboard.press('g');
    expect(await page.locator('#tasks').isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  }, T);
});

describe('the seed without its gate in Chromium', () => {
  let url: string;
  beforeAll(() => {
    url = makePage('no-gate', path.join(SCENARIOS, 'mm-hotremove-2019-no-gate.yaml'));
  });

  const onScreen = (page: Page, sel: string) =>
    page.evaluate((s) => {
      const r = document.querySelector(s)!.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
    }, sel);

  it("shows the explorer's verdict and the deadlocking schedule next to the splat; a schedule step moves the cursor", async () => {
    const { page, problems, requests } = await open(url);
    await page.keyboard.press('r');
    await expect(page.locator('#counter').textContent()).resolves.toBe('Step 52 / 64');
    await expect(page.locator('#narration').textContent()).resolves.toContain('Report: possible circular locking dependency detected. The explorer: confirmed (2 tasks deadlock).');
    // The verdict, above the splat, on screen.
    const verdict = page.getByRole('region', { name: /^Real deadlock\? The explorer: CONFIRMED$/ });
    expect(await verdict.isVisible()).toBe(true);
    expect(await onScreen(page, '#verdict-h')).toBe(true);
    await expect(verdict.locator('.verdict-summary').textContent()).resolves.toBe(
      'Confirmed: a real deadlock — bash/22688 and daxctl/22950 wait for each other on mem_hotplug_lock.rw_sem, kn->count#424',
    );
    expect(await page.locator('#verdict + #splat').count()).toBe(1);
    // The schedule unfolds into a table: one column per task, a caption, headers.
    const table = page.getByRole('table', { name: /^One column per task/ });
    expect(await table.isVisible()).toBe(false);
    await page.locator('#schedule summary').click();
    expect(await table.isVisible()).toBe(true);
    expect(await onScreen(page, '#schedule-table thead')).toBe(true);
    expect(await texts(page, '#schedule-table thead th')).toEqual(['#', 'bash/22688', 'daxctl/22950']);
    expect(await page.locator('#schedule-table thead th[scope="col"]').count()).toBe(3);
    const rows = await page.locator('#schedule-table tbody tr').count();
    expect(rows).toBeGreaterThan(5);
    expect(await page.locator('#schedule-table tbody th[scope="row"]').count()).toBe(rows);
    expect(await page.locator('#schedule-table .sched-link').count()).toBe(rows);
    // Each row fills exactly one task's column.
    expect(await page.locator('#schedule-table tbody td.is-op').count()).toBe(rows);
    expect(await texts(page, '#schedule-table tbody tr:first-child td')).toEqual(['read(sb_writers#4)vfs_write · line 172', '']);
    // The final row: what each task waits for, and who holds it.
    expect(await texts(page, '#schedule-table tfoot td')).toEqual([
      'BLOCKEDwaits for mem_hotplug_lock.rw_sem (write)held by daxctl/22950 (write)',
      'BLOCKEDwaits for kn->count#424 (write)held by bash/22688 (read)',
    ]);
    await shot(page, 'no-gate-52-verdict-schedule');
    // bash's cpus_read_lock() in the schedule is bash's step 5, step 35 of the replay.
    await page.getByRole('link', { name: /^read\(cpu_hotplug_lock\.rw_sem\) — go to bash step 5, step 35 of the replay$/ }).click();
    await expect(page.locator('#counter').textContent()).resolves.toBe('Step 35 / 64');
    await expect(page.locator('#narration').textContent()).resolves.toContain('bash step 5: read cpu_hotplug_lock.rw_sem');
    const current = page.locator('.task:nth-child(4) .step[aria-current="step"]');
    await expect(current.locator('.step-label').textContent()).resolves.toBe('read cpu_hotplug_lock.rw_sem');
    // The report, its verdict and the unfolded schedule stay, the row of the cursor marked.
    await expect(page.locator('#panel-report .banner').textContent()).resolves.toMatch(/^This report fires later, at step 52 \(daxctl step 10\); you are at step 35\./);
    expect(await table.isVisible()).toBe(true);
    expect(await texts(page, '#schedule-table tbody tr[aria-current="step"] .sched-link')).toEqual(['read(cpu_hotplug_lock.rw_sem)']);
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('read(cpu_hotplug_lock.rw_sem)');
    await shot(page, 'no-gate-35-schedule-step');
    // From the keyboard: Enter on a daxctl operation goes to daxctl's step.
    await page.getByRole('link', { name: /^lock\(mem_hotplug_lock\.rw_sem\) — go to daxctl step / }).focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('#narration').textContent()).resolves.toMatch(/daxctl step \d+: lock mem_hotplug_lock\.rw_sem/);
    expect(await texts(page, '#schedule-table tbody tr[aria-current="step"] .sched-link')).toEqual(['lock(mem_hotplug_lock.rw_sem)']);
    // Stepping on with the keys moves the marked row along with the cursor.
    await page.keyboard.press('Escape');
    await page.locator('#btn-next').click();
    expect(await texts(page, '#schedule-table tbody tr[aria-current="step"] .sched-link')).toEqual(['lock(mem_sysfs_mutex)']);
    await page.getByRole('button', { name: 'Go to the report' }).click();
    await expect(page.locator('#counter').textContent()).resolves.toBe('Step 52 / 64');
    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
    await page.close();
  }, T);

  it('keeps the verdict and the schedule readable: contrast in both themes, 1280x720 without sideways scrolling', async () => {
    const { page, problems } = await open(url, { width: 1280, height: 720 });
    await page.keyboard.press('r');
    await page.locator('#schedule summary').click();
    await page.getByRole('link', { name: /^read\(cpu_hotplug_lock\.rw_sem\) — go to bash step 5/ }).click();
    expect(await page.locator('#schedule-table tbody tr[aria-current="step"]').count()).toBe(1);
    const size = await page.evaluate(() => ({ w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight }));
    expect(size).toEqual({ w: 1280, h: 720 });
    const fits = await page.evaluate(() => {
      const w = document.querySelector('.schedule-wrap')!;
      return w.scrollWidth <= w.clientWidth;
    });
    expect(fits).toBe(true);
    const fontPx = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('#schedule-table .sched-link')!).fontSize));
    expect(fontPx).toBeGreaterThanOrEqual(12);
    expect(await lowContrast(page)).toEqual([]);
    await page.locator('#schedule-table').scrollIntoViewIfNeeded();
    await shot(page, 'no-gate-35-schedule-1280x720');
    await page.keyboard.press('t');
    expect(await lowContrast(page)).toEqual([]);
    await page.locator('#schedule-table tfoot').scrollIntoViewIfNeeded();
    expect(await lowContrast(page)).toEqual([]);
    await shot(page, 'no-gate-35-schedule-1280x720-dark');
    expect(problems).toEqual([]);
    await page.close();
  }, T);

  it('says when the page was built without the explorer', async () => {
    const off = makePage('no-gate-off', path.join(SCENARIOS, 'mm-hotremove-2019-no-gate.yaml'), undefined, { explore: false });
    const { page, problems } = await open(off);
    await page.keyboard.press('r');
    await expect(page.locator('#panel-report .verdict-none').textContent()).resolves.toMatch(/built without the interleaving explorer \(--no-explore\)/);
    expect(await page.locator('#verdict').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  }, T);
});

describe('the fixed scenario in Chromium', () => {
  it('runs to the end without a report', async () => {
    const url = makePage('fixed', path.join(SCENARIOS, 'mm-hotremove-2020-fixed.yaml'));
    const { page, problems } = await open(url);
    expect(await page.locator('#btn-report').isDisabled()).toBe(true);
    await page.keyboard.press('End');
    await page.getByRole('tab', { name: /^Report/ }).click();
    await expect(page.locator('#panel-report').textContent()).resolves.toContain('This scenario produces no report');
    expect(await page.locator('#graph path.edge.is-attempted').count()).toBe(0);
    await shot(page, 'fixed-end');
    expect(problems).toEqual([]);
    await page.close();
  }, T);
});

describe('names with markup in Chromium', () => {
  it('shows hostile and tricky names literally and runs none of them', async () => {
    const url = makePage('hostile', 'hostile.yaml', HOSTILE_YAML);
    const { page, problems, requests, dialogs } = await open(url);
    const scriptsBefore = await page.evaluate(() => document.scripts.length);
    await page.keyboard.press('r');
    await page.keyboard.press('End');
    await page.getByRole('tab', { name: /^Report/ }).click();
    await page.keyboard.press('r');
    await page.keyboard.press('Shift+R');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([url]);
    expect(await page.evaluate(() => document.scripts.length)).toBe(scriptsBefore);
    expect(await page.locator('img, b, svg[onload], [onerror]').count()).toBe(0);
    // The names are there, as text.
    const names = (await texts(page, '#graph .node-name')).map((s) => s.trim());
    expect(names).toEqual(
      expect.arrayContaining([
        '</script><script>window.__pwned=1</script>',
        '<img src=x onerror="window.__pwned=2"><svg onload=window.__pwned=3>',
        '(work_completion)(&(&wb->dwork)->work)',
        '&dev->mutex',
        `&"quoted" 'sq' <lt> >gt`,
      ]),
    );
    expect(await texts(page, '.task-name')).toEqual(['<b>evil</b>', 'T2']);
    const splat = (await page.locator('#splat').textContent())!;
    expect(splat).toContain('(</script><script>window.__pwned=1</script>){+.+.}-{3:3}');
    // The explorer's schedule shows them as text too, and following its links runs nothing.
    await page.locator('#schedule summary').click();
    expect(await texts(page, '#schedule-table thead th')).toEqual(['#', '<b>evil</b>/1000', 'T2/1001']);
    expect((await texts(page, '#schedule-table .sched-link')).join('\n')).toContain('lock(</script><script>window.__pwned=1</script>)');
    await page.locator('#schedule-table .sched-link').first().click();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.evaluate(() => document.scripts.length)).toBe(scriptsBefore);
    await expect(page.title()).resolves.toBe('lockdep-sim · hostile.yaml');
    await shot(page, 'hostile');
    expect(problems).toEqual([]);
    await page.close();
  }, T);
});

/** Visible HTML text whose contrast against its background is below WCAG AA. */
async function lowContrast(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const rgba = (s: string) => {
      const m = /rgba?\(([^)]+)\)/.exec(s);
      if (!m) return [0, 0, 0, 0];
      const p = m[1]!.split(/[ ,/]+/).filter(Boolean).map(Number);
      return [p[0]!, p[1]!, p[2]!, p.length > 3 ? p[3]! : 1];
    };
    const lum = (c: number[]) => {
      const f = (v: number) => {
        const x = v / 255;
        return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(c[0]!) + 0.7152 * f(c[1]!) + 0.0722 * f(c[2]!);
    };
    const background = (e: Element | null): number[] => {
      const layers: number[][] = [];
      for (let n = e; n; n = n.parentElement) {
        const c = rgba(getComputedStyle(n).backgroundColor);
        if (c[3]! > 0) layers.push(c);
        if (c[3] === 1) break;
      }
      let out = [255, 255, 255];
      for (const c of layers.reverse()) out = out.map((v, i) => v * (1 - c[3]!) + c[i]! * c[3]!);
      return out;
    };
    const bad: string[] = [];
    for (const e of document.querySelectorAll('body *')) {
      if (e.closest('svg, dialog:not([open]), .sr-only, [hidden]') || (e as HTMLButtonElement).disabled) continue;
      const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim());
      if (!own || !e.getClientRects().length || !(e as HTMLElement).checkVisibility?.({ opacityProperty: true, visibilityProperty: true })) continue;
      const cs = getComputedStyle(e);
      const fg = rgba(cs.color);
      const bg = background(e);
      const a = fg[3]!;
      const mixed = [0, 1, 2].map((i) => fg[i]! * a + bg[i]! * (1 - a));
      const [l1, l2] = [lum(mixed), lum(bg)].sort((x, y) => y - x);
      const ratio = (l1! + 0.05) / (l2! + 0.05);
      const large = parseFloat(cs.fontSize) >= 24 || (parseFloat(cs.fontSize) >= 18.66 && Number(cs.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) bad.push(`${e.tagName.toLowerCase()}.${e.className}: ${ratio.toFixed(2)} "${e.textContent!.trim().slice(0, 30)}"`);
    }
    return bad;
  });
}
