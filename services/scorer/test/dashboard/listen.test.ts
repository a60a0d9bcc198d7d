import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import express from 'express';
import { listen } from '../../src/dashboard/listen.ts';

test('listening on port 0 reports the real port, and close is idempotent', async () => {
  const app = express().get('/', (_req, res) => void res.send('hi'));
  const server = await listen(app, '127.0.0.1', 0);
  assert.ok(server.port > 0);
  assert.equal(server.url, `http://127.0.0.1:${server.port}`);
  assert.equal(await (await fetch(server.url)).text(), 'hi');
  await Promise.all([server.close(), server.close()]);
  await server.close();
  await assert.rejects(fetch(server.url));
});

test('close ends a connection that would otherwise stay open', { timeout: 5000 }, async () => {
  const app = express().get('/forever', (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.write('\n');
  });
  const server = await listen(app, '127.0.0.1', 0);
  const response = await fetch(`${server.url}/forever`);
  const reader = response.body!.getReader();
  await reader.read();
  // Without ending open connections this await never returns and the test times out.
  await server.close();
  const ended = await reader.read().then(
    (chunk) => chunk.done,
    () => true,
  );
  assert.equal(ended, true);
});

test('a port in use is refused', async (t) => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.after(() => blocker.close());
  const address = blocker.address();
  assert.ok(address !== null && typeof address === 'object');
  await assert.rejects(listen(express(), '127.0.0.1', address.port), { code: 'EADDRINUSE' });
});
