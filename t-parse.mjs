import { readCsvRows } from './dist/ingest/sources/csv-records.js';
import { readMessagesCsv } from './dist/ingest/sources/messages-csv.js';
let t=Date.now(); let n=0;
for await (const batch of readCsvRows('/tmp/m200k.csv', ()=>{})) n+=batch.length;
console.log('csv rows', n, Date.now()-t, 'ms');
t=Date.now(); n=0;
for await (const batch of readMessagesCsv({path:'/tmp/m200k.csv', timezone:'UTC', onChunk(){}, warn(){}})) n+=batch.length;
console.log('parse+normalize', n, Date.now()-t, 'ms');
