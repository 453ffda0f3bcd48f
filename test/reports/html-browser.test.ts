/// <reference lib="dom" />
/**
 * The HTML report as a person sees it, in headless Chromium: it opens from a file without
 * fetching anything, its event graph and sequence chart are drawn (a screenshot of each
 * has ink, and the explanation's red), the routine-steps switch works without a script;
 * and the Mermaid text is accepted by Mermaid itself, rendered in the same browser.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeCheckReport } from '../../reports/folders/check.ts';
import { traceGraphs } from '../../reports/graph.ts';
import ioreq from '../../models/ioreq.ts';
import { repoRoot } from '../shared.ts';
import { launchChromium } from '../support/chromium.ts';
import { ioreqResult } from './fixtures.ts';

/** Ink in a PNG screenshot, counted by the browser itself (it decodes the PNG into a canvas). */
async function ink(page: Page, png: Buffer): Promise<{ total: number; dark: number; red: number }> {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    const cx = c.getContext('2d')!;
    cx.drawImage(img, 0, 0);
    const d = cx.getImageData(0, 0, c.width, c.height).data;
    let dark = 0, red = 0;
    for (let i = 0; i < d.length; i += 4) {
      const [r, g, b] = [d[i], d[i + 1], d[i + 2]];
      if (r + g + b < 600) dark++;
      if (r > 150 && g < 90 && b < 90) red++;
    }
    return { total: c.width * c.height, dark, red };
  }, png.toString('base64'));
}

describe('the HTML report in headless Chromium', () => {
  let ctx: BrowserContext;
  let page: Page;
  const requests: string[] = [];
  const problems: string[] = [];
  const result = ioreqResult('A-B5', 'tso');
  const trace = result.properties.find((p) => p.id === 'A4')!.trace!;
  const tg = traceGraphs(trace);
  let url = '';

  /** a missing Chromium fails every test here by name, rather than only the file's setup */
  let missing: Error | null = null;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'xenmc-html-'));
    await writeCheckReport(dir, result, ioreq);
    url = pathToFileURL(path.join(dir, 'A4', 'report.html')).href;
    try {
      ctx = await launchChromium();
    } catch (e) {
      missing = e instanceof Error ? e : new Error(String(e));
      return;
    }
    page = await ctx.newPage();
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(url, { waitUntil: 'load' });
  });
  afterAll(async () => { await ctx?.close(); });
  beforeEach(() => { if (missing) throw missing; });

  it('opens without fetching anything but itself, and without errors', () => {
    expect(requests).toEqual([url]);
    expect(problems).toEqual([]);
  });

  it('draws the explanation\'s event graph: its nodes and edges, visibly, with the marked edges in red', async () => {
    const svg = page.locator('#event-graph .figure svg').first();
    const box = (await svg.boundingBox())!;
    expect(box.width).toBeGreaterThan(250);
    expect(box.height).toBeGreaterThan(300);
    expect(await svg.locator('g.node').count()).toBe(tg.focus.order);
    expect(await svg.locator('g.edge').count()).toBe(tg.focus.size);
    const shot = await svg.screenshot();
    const { total, dark, red } = await ink(page, shot);
    expect(dark / total).toBeGreaterThan(0.02);
    expect(red).toBeGreaterThan(200);
  });

  it('draws the sequence chart: a lifeline per actor, the missed store', async () => {
    const svg = page.locator('#sequence svg.sequence');
    const box = (await svg.boundingBox())!;
    expect(box.width).toBeGreaterThan(300);
    expect(box.height).toBeGreaterThan(500);
    expect(await svg.locator('g.participant').count()).toBe(2);
    expect(await svg.locator('g.message.missed').count()).toBe(1);
    const { dark } = await ink(page, await svg.screenshot());
    expect(dark).toBeGreaterThan(2000);
  });

  it('shows the trace with every step, and hides the routine ones at the switch, without a script', async () => {
    const rows = page.locator('table.trace tbody tr');
    expect(await rows.count()).toBe(trace.steps.length);
    const visible = async () => (await rows.evaluateAll((rs) => rs.filter((r) => (r as HTMLElement).offsetParent !== null).length));
    expect(await visible()).toBe(trace.steps.length);
    await page.locator('#hide-routine').check();
    expect(await visible()).toBe(trace.steps.length - tg.routine.size);
    expect(await page.locator('script').count()).toBe(0);
  });

  it('the Mermaid text renders in Mermaid itself', async () => {
    const mmd = readFileSync(new URL('sequence.mmd', url), 'utf8');
    const p = await ctx.newPage();
    await p.setContent('<!DOCTYPE html><html><body></body></html>');
    await p.addScriptTag({ path: path.join(repoRoot, 'node_modules', 'mermaid', 'dist', 'mermaid.min.js') });
    const svg: string = await p.evaluate(async (text) => {
      const m = (window as unknown as { mermaid: { initialize(o: object): void; render(id: string, t: string): Promise<{ svg: string }> } }).mermaid;
      m.initialize({ startOnLoad: false });
      return (await m.render('sequence', text)).svg;
    }, mmd);
    const messages = mmd.split('\n').filter((l) => /^ {2}P\d(->>|--x|--\))P\d: /.test(l)).length;
    expect(svg.match(/class="messageText"/g)?.length).toBe(messages);
    expect(svg).toContain('Xen (vCPU0)');
    expect(svg).toContain('device model');
    await p.close();
  });
});
