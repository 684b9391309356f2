// Control for the grid bench: how many cores this process gets for 1 or 2 pure-CPU threads right
// now (`node bench/spin-control.mjs 1`, then `2`). Two threads that get one core between them take
// twice the wall time of one: parallel work cannot be shown at that moment, whatever the code.
import { Worker } from 'node:worker_threads';

const n = Number(process.argv[2]);
const t0 = performance.now();
const c0 = process.cpuUsage();
await Promise.all(
  Array.from(
    { length: n },
    () =>
      new Promise((r) => {
        const w = new Worker(
          'let x=0; for (let i=0;i<6e8;i++) x+=i%7; require("worker_threads").parentPort.postMessage(x)',
          { eval: true },
        );
        w.on('message', () => {
          w.terminate();
          r();
        });
      }),
  ),
);
const c = process.cpuUsage(c0);
const wall = performance.now() - t0;
console.log(
  `${n} threads: wall ${(wall / 1000).toFixed(2)} s, cores ${((c.user + c.system) / 1000 / wall).toFixed(2)}`,
);
