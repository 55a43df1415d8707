import { createCpuPool } from '../src/cpu/pool.ts';

const pool = createCpuPool({ threads: 1, budgetMs: 20000 });
let t = performance.now();
console.log('first', await pool.spin(0), Math.round(performance.now() - t));
t = performance.now();
console.log('second', await pool.spin(0), Math.round(performance.now() - t));
t = performance.now();
console.log('third', await pool.spin(5), Math.round(performance.now() - t));
await pool.close();
