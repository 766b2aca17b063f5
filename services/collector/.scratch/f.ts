import Fastify from 'fastify';
const app = Fastify({ bodyLimit: 100 });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
app.post('/x', async (req) => ({ ct: req.headers['content-type'] ?? null, body: Buffer.isBuffer(req.body) ? (req.body as Buffer).toString() : typeof req.body }));
app.get('/q', async (req) => req.query);
app.setErrorHandler((err, _req, reply) => { reply.code((err as {statusCode?: number}).statusCode ?? 500).send({ code: (err as {code?: string}).code, m: err.message }); });
for (const opts of [
  { method: 'POST', url: '/x', payload: 'abc' },
  { method: 'POST', url: '/x', payload: 'abc', headers: { 'content-type': 'application/json' } },
  { method: 'POST', url: '/x', headers: { 'content-type': 'application/json' } },
  { method: 'POST', url: '/x', payload: 'a'.repeat(200), headers: { 'content-type': 'application/json' } },
  { method: 'GET', url: '/q?hub.mode=subscribe&hub.challenge=abc' },
] as const) {
  const r = await app.inject(opts as never);
  console.log(r.statusCode, r.body);
}
