import { visibleHtmlText } from '/work/wt/i12/backend/src/mail/html-text.ts';
import { normaliseMessage } from '/work/wt/i12/backend/src/mail/normalise.ts';
import { cleanUtterance } from '/work/wt/i12/backend/src/notes/transcript.ts';

const t = async (name: string, f: () => unknown) => {
  const s = performance.now();
  await f();
  console.log(name, Math.round(performance.now() - s), 'ms');
};
for (const n of [5000, 10000, 20000]) {
  await t(`a×${n}`, () => normaliseMessage({ id: 'x', html: '<a '.repeat(n) } as never));
  await t(`bi×${n}`, () => visibleHtmlText('<b><i>'.repeat(n)));
  await t(`m×${n}`, () => cleanUtterance('m'.repeat(n) + 'x'));
}
