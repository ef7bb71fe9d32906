import { openDatabase } from './dist/db/connection.js';
import { runIngest } from './dist/ingest/run-ingest.js';
import { performance } from 'node:perf_hooks';
import { rmSync } from 'node:fs';
for (const inWorker of [true, false]) {
  for (const s of ['', '-wal', '-shm']) rmSync('/tmp/e.db'+s, {force:true});
  const h = await openDatabase({ path: '/tmp/e.db' });
  const elu0 = performance.eventLoopUtilization(); const cpu0 = process.cpuUsage(); const t0 = Date.now();
  await runIngest(h, { paths: ['/tmp/m200k.csv'], timezone: 'UTC', parseInWorker: inWorker });
  const elu = performance.eventLoopUtilization(elu0); const cpu = process.cpuUsage(cpu0);
  console.log(inWorker ? 'worker' : 'in place', 'wall', Date.now()-t0, 'ms; main busy', Math.round(elu.active), 'ms; process cpu', Math.round((cpu.user+cpu.system)/1000), 'ms');
  await h.close();
}
