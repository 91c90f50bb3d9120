import type { EpochRecord } from '@edgerec/core';
import type { TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { UserError } from '../user-error.js';
import { curvesSpec, renderCurvesSvg } from './curves-svg.js';

/** A plausible run: both losses fall, validation flattens out and turns up after epoch 8. */
function history(epochs: number): EpochRecord[] {
  return Array.from({ length: epochs }, (_, i) => {
    const epoch = i + 1;
    const loss = 0.08 * Math.exp(-epoch / 3) + 0.03;
    const valLoss = 0.08 * Math.exp(-epoch / 3) + 0.04 + 0.0006 * Math.max(0, epoch - 8) ** 1.5;
    return { epoch, loss, valLoss, rmse: 4 * Math.sqrt(loss), valRmse: 4 * Math.sqrt(valLoss), seconds: 0.3 };
  });
}

/**
 * A small XML well-formedness check (no DOM): tags balance, one root element, attributes quoted,
 * and no bare `&` or `<` in text. Returns the root element's name.
 */
function xmlRoot(text: string): string {
  const stack: string[] = [];
  let root: string | undefined;
  let closed = false;
  const entity = /&(?![a-zA-Z]+;|#\d+;|#x[0-9a-fA-F]+;)/;
  for (const [token] of text.replace(/^<\?xml[^>]*\?>/, '').matchAll(/<[^>]*>|[^<]+/g)) {
    if (!token.startsWith('<')) {
      if (entity.test(token)) throw new Error(`bare & in text: ${token.slice(0, 40)}`);
      if (closed && token.trim() !== '') throw new Error('text after the root element');
      continue;
    }
    const tag = /^<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*="[^"<]*")*)\s*(\/?)>$/.exec(token);
    if (!tag) throw new Error(`malformed tag: ${token.slice(0, 60)}`);
    const [, end, name, attributes, selfClosing] = tag;
    if (entity.test(attributes!)) throw new Error(`bare & in attributes of <${name}>`);
    if (closed) throw new Error(`<${name}> after the root element`);
    if (end) {
      if (stack.pop() !== name) throw new Error(`</${name}> does not close the open element`);
      if (stack.length === 0) closed = true;
    } else {
      root ??= name;
      if (selfClosing) {
        if (stack.length === 0) closed = true;
      } else {
        stack.push(name!);
      }
    }
  }
  if (!root || stack.length > 0 || !closed) throw new Error(`unclosed elements: ${stack.join(' > ')}`);
  return root;
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

/** The parts of the spec the tests look at. */
interface SpecView {
  datasets: { history: Array<Record<string, number>> };
  hconcat: Array<{ title: string; layer: Array<{ mark: { type: string }; data?: unknown }> }>;
}

/** The spec as plain JSON (which it must be, to be saved or shown in the vega editor). */
function asJson(spec: TopLevelSpec): SpecView {
  return JSON.parse(JSON.stringify(spec)) as SpecView;
}

describe('curvesSpec', () => {
  it('holds one data row per epoch and two panels (loss, RMSE) over it', () => {
    const spec = asJson(curvesSpec(history(12)));
    expect(spec.datasets.history).toHaveLength(12);
    expect(spec.datasets.history.map((r) => r.epoch)).toEqual(history(12).map((r) => r.epoch));
    expect(spec.datasets.history[0]).toEqual({ epoch: 1, ...pick(history(12)[0]!) });
    expect(spec.hconcat.map((p) => p.title)).toEqual(['Loss', 'RMSE']);
    expect(spec.hconcat.every((p) => p.layer.length === 1)).toBe(true); // no best-epoch marker asked for
    expect(JSON.stringify(spec)).toContain('"fold":["loss","valLoss"]');
    expect(JSON.stringify(spec)).toContain('"fold":["rmse","valRmse"]');
  });

  it('adds a rule and a label at the best epoch, and only for an epoch that exists', () => {
    const spec = asJson(curvesSpec(history(12), { bestEpoch: 8 }));
    for (const panel of spec.hconcat) {
      const rule = panel.layer.find((l) => l.mark.type === 'rule');
      expect(rule?.data).toEqual({ values: [{ epoch: 8, label: 'best epoch 8' }] });
    }
    expect(() => curvesSpec(history(12), { bestEpoch: 13 })).toThrow(UserError);
    expect(() => curvesSpec(history(12), { bestEpoch: 13 })).toThrow(/best epoch 13 .*epochs 1–12/);
  });

  it('refuses an empty history with a UserError', async () => {
    expect(() => curvesSpec([])).toThrow(UserError);
    expect(() => curvesSpec([])).toThrow(/no training history/);
    await expect(renderCurvesSvg([])).rejects.toThrow(UserError);
  });
});

describe('renderCurvesSvg', () => {
  it('draws a standalone SVG with titles, axes, legend, every epoch and the best-epoch rule', async () => {
    const svg = await renderCurvesSvg(history(12), {
      title: 'r.tsv — dim 32 & tanh',
      subtitle: '12 epochs',
      bestEpoch: 8,
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(xmlRoot(svg)).toBe('svg');
    expect(() => xmlRoot(svg.replace('</g>', ''))).toThrow(); // the check itself bites
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* width="\d+" height="\d+" viewBox=/);
    for (const text of [
      'r.tsv — dim 32 &amp; tanh',
      '12 epochs',
      'Loss',
      'RMSE',
      '>epoch<',
      'MSE (scaled target)',
      'RMSE (rating units)',
    ]) {
      expect(svg).toContain(text);
    }
    expect(svg).toContain('>train<');
    expect(svg).toContain('>validation<');
    expect(svg).toContain('best epoch 8');
    expect(svg).toMatch(/class="mark-rule role-mark concat_0_layer_1_marks"/);
    // A dot per epoch for each of the four series, and four lines.
    expect(count(svg, 'aria-roledescription="point"')).toBe(4 * 12);
    expect(count(svg, 'aria-roledescription="line mark"')).toBe(4);
    // Nothing to fetch: no scripts, links, web fonts or external images.
    expect(svg).not.toMatch(/<script|<image|<a\s|@import|@font-face|url\(|href="http/i);
  });

  it('draws one epoch, and 500 epochs as lines without dots', async () => {
    const one = await renderCurvesSvg(history(1), { bestEpoch: 1 });
    expect(xmlRoot(one)).toBe('svg');
    expect(count(one, 'aria-roledescription="point"')).toBe(4);
    expect(one).toContain('Training curves'); // the default title
    const long = await renderCurvesSvg(history(500));
    expect(xmlRoot(long)).toBe('svg');
    expect(count(long, 'aria-roledescription="point"')).toBe(0);
    expect(count(long, 'aria-roledescription="line mark"')).toBe(4);
    expect(long).not.toContain('best epoch');
  });
});

function pick({ loss, valLoss, rmse, valRmse }: EpochRecord) {
  return { loss, valLoss, rmse, valRmse };
}
