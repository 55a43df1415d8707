import { convert } from 'html-to-text';
import { stripHiddenHtml, visibleStructuralHtml } from '/work/wt/i12/backend/src/mail/hidden-text.ts';
import { visibleHtmlText } from '/work/wt/i12/backend/src/mail/html-text.ts';

const t = (name: string, f: () => unknown) => {
  const s = performance.now();
  f();
  console.log(name, Math.round(performance.now() - s), 'ms');
};
for (const n of [20000, 40000, 80000]) {
  const deep = '<b><i>'.repeat(n);
  t(`visible bi×${n}`, () => visibleHtmlText(deep));
  t(`strip bi×${n}`, () => stripHiddenHtml(deep));
  t(`structural bi×${n}`, () => visibleStructuralHtml(deep));
  t(`h2t bi×${n}`, () => convert(deep, { limits: { maxDepth: 100 } }));
  const closes = '<b>'.repeat(n / 2) + '</i>'.repeat(n / 2);
  t(`visible closes×${n}`, () => visibleHtmlText(closes));
  t(`strip closes×${n}`, () => stripHiddenHtml(closes));
}
