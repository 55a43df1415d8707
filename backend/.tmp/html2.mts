const { visibleHtmlText } = await import('/work/wt/i12/backend/src/mail/html-text.ts');
const { stripHiddenHtml } = await import('/work/wt/i12/backend/src/mail/hidden-text.ts');
const best = (f: () => unknown) => {
  let b = Infinity;
  for (let i = 0; i < 3; i++) {
    const s = performance.now();
    f();
    b = Math.min(b, performance.now() - s);
  }
  return Math.round(b);
};
for (const n of [40000, 80000, 160000]) {
  const deep = '<b><i>'.repeat(n / 2);
  console.log(
    n,
    'visible',
    best(() => visibleHtmlText(deep)),
    'strip',
    best(() => stripHiddenHtml(deep)),
  );
}
