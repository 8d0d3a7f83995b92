// Baseline for bench:gateway: a bare fastify process answering one small JSON route.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/bare', async () => ({ ok: true, user: { id: 'usr_baseline', name: 'Baseline' } }));
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
