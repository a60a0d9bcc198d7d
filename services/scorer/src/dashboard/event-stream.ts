import type { RequestHandler } from 'express';
import type { SnapshotSource } from '../metrics/snapshot.ts';

/**
 * Server-sent events: the snapshot (without the encoded histograms, which the page does not need) at once and
 * then every `intervalMs`. A client that does not keep up skips updates instead of buffering them.
 */
export function eventStreamHandler(source: SnapshotSource, intervalMs: number): RequestHandler {
  return (req, res) => {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
    });
    const send = (): void => {
      if (res.writableNeedDrain) return;
      res.write(`data: ${JSON.stringify(source.snapshot({ encoded: false }))}\n\n`);
    };
    res.write(`retry: ${Math.max(intervalMs, 1000)}\n\n`);
    send();
    const timer = setInterval(send, intervalMs);
    req.on('close', () => clearInterval(timer));
  };
}
