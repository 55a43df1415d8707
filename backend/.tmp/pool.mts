import { Piscina } from 'piscina';

const p = new Piscina({
  filename: new URL('../src/cpu/worker.mjs', import.meta.url).href,
  minThreads: 1,
  maxThreads: 1,
});
let t = performance.now();
try {
  console.log('warm', await p.run(0, { name: 'spin' }), Math.round(performance.now() - t));
} catch (e) {
  console.log('ERR', e);
}
t = performance.now();
console.log('second', await p.run(0, { name: 'spin' }), Math.round(performance.now() - t));
await p.destroy();
