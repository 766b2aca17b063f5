import { CustomerIndex } from './src/domain/customer-index.ts';
import { generateCustomers } from './bench/generate.ts';
const customers = generateCustomers(1, 1000000);
const index = new CustomerIndex();
const t = process.cpuUsage().user;
for (const c of customers) index.upsert(c);
const t2 = process.cpuUsage().user;
index.finishLoad();
console.log('upsert cpu s', ((t2 - t) / 1e6).toFixed(1), 'finish', ((process.cpuUsage().user - t2) / 1e6).toFixed(1));
