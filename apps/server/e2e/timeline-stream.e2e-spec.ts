import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ADMIN_KEY, BACKENDS, startTestApp, type TestApp } from './support/test-app';

interface SseMessage {
  id: number;
  data: { position: number; type: string; summary: string };
}

/** Opens the SSE stream and collects messages; `next(n)` resolves once n messages arrived. */
function openStream(port: number, incidentId: string, lastEventId?: number) {
  const messages: SseMessage[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let response: IncomingMessage | undefined;
  const req = httpRequest({
    host: '127.0.0.1',
    port,
    path: `/api/v1/incidents/${incidentId}/timeline/stream`,
    headers: { Authorization: `Bearer ${ADMIN_KEY}`, Accept: 'text/event-stream', ...(lastEventId ? { 'Last-Event-ID': String(lastEventId) } : {}) },
  });
  const opened = new Promise<IncomingMessage>((resolve) => {
    req.on('response', (res) => {
      response = res;
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const id = /^id: (\d+)$/m.exec(block);
          const data = /^data: (.*)$/m.exec(block);
          if (id && data) messages.push({ id: Number(id[1]), data: JSON.parse(data[1]) });
        }
        for (const waiter of waiters.filter((w) => messages.length >= w.count)) waiter.resolve();
      });
      resolve(res);
    });
  });
  req.end();
  return {
    opened,
    messages,
    next: (count: number) => new Promise<void>((resolve) => (messages.length >= count ? resolve() : waiters.push({ count, resolve }))),
    close: () => {
      response?.destroy();
      req.destroy();
    },
  };
}

describe.each(BACKENDS)('Timeline SSE stream (%s)', (backend) => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp(backend);
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => {
    await t.close();
  });

  it('sends the backlog then live entries, ids are global positions, and honours Last-Event-ID', async () => {
    const { id } = await t.declare();
    await t.http.post(`/api/v1/incidents/${id}/acknowledge`).set(t.auth()).send({}).expect(200);

    const stream = openStream(port, id);
    const response = await stream.opened;
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
    await stream.next(2);
    expect(stream.messages.map((m) => m.data.type)).toEqual(['IncidentDeclared', 'IncidentAcknowledged']);

    await t.http.post(`/api/v1/incidents/${id}/notes`).set(t.auth()).send({ text: 'live one' }).expect(200);
    await t.http.post(`/api/v1/incidents/${id}/notes`).set(t.auth()).send({ text: 'live two' }).expect(200);
    await stream.next(4);
    stream.close();
    const ids = stream.messages.map((m) => m.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(stream.messages.map((m) => m.data.position)).toEqual(ids);
    expect(stream.messages[3].data.summary).toContain('live two');

    // Reconnect from the second message: exactly the two after it, then live.
    const resumed = openStream(port, id, ids[1]);
    await resumed.next(2);
    expect(resumed.messages.map((m) => m.id)).toEqual(ids.slice(2));
    await t.http.post(`/api/v1/incidents/${id}/status`).set(t.auth()).send({ status: 'investigating' }).expect(200);
    await resumed.next(3);
    resumed.close();
    expect(resumed.messages.map((m) => m.data.type)).toEqual(['IncidentNoteAdded', 'IncidentNoteAdded', 'IncidentStatusChanged']);
  });

  it('does not send other incidents entries', async () => {
    const a = await t.declare({ title: 'A' });
    const b = await t.declare({ title: 'B' });
    const stream = openStream(port, a.id);
    await stream.next(1);
    await t.http.post(`/api/v1/incidents/${b.id}/notes`).set(t.auth()).send({ text: 'for b' }).expect(200);
    await t.http.post(`/api/v1/incidents/${a.id}/notes`).set(t.auth()).send({ text: 'for a' }).expect(200);
    await stream.next(2);
    stream.close();
    expect(stream.messages.map((m) => m.data.summary).join('\n')).not.toContain('for b');
    expect(stream.messages[1].data.summary).toContain('for a');
  });
});
