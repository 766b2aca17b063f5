import { validatePost } from '../src/domain/validate-post.ts';
import { parseTimestamp } from '../src/domain/fields.ts';
const item = { platform: 'x', id: '1870000000000000001', url: `https://x.com/u/status/1`, author: { id: '100001', handle: `user1`, name: `User 1`, followers: 1, location: 'Lyon, France' }, text: 'Third time my @AcmeSupport router dropped the connection today #fail', lang: 'en', createdAt: '2026-11-20T09:30:00.000Z', engagement: { likes: 1, shares: 2, replies: 3, views: 4 } };
const opts = { now: Date.now(), maxTextLength: 10000, maxFutureSkewMs: 3.6e6 };
const N = 200000;
function time(label: string, f: () => void) { for (let r = 0; r < 2; r++) { const t = performance.now(); for (let i = 0; i < N; i++) f(); if (r) console.log(label, ((performance.now() - t) / N * 1000).toFixed(2), 'µs'); } }
time('validatePost', () => validatePost(item, opts));
time('new URL', () => new URL('https://x.com/u/status/1'));
time('parseTimestamp', () => parseTimestamp('2026-11-20T09:30:00.000Z'));
time('Date.parse', () => Date.parse('2026-11-20T09:30:00.000Z'));
time('daysInMonth', () => new Date(Date.UTC(2026, 11, 0)).getUTCDate());
