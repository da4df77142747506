import { Writable } from 'node:stream';
import { JsonLogger } from './json-logger';

function capture(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: new JsonLogger(level, sink), lines };
}

describe('JsonLogger', () => {
  it('writes Nest-style calls as JSON with the context', () => {
    const { logger, lines } = capture();
    logger.log('Mapped {/api/v1/incidents, POST} route', 'RouterExplorer');
    expect(lines[0]).toMatchObject({ level: 30, msg: 'Mapped {/api/v1/incidents, POST} route', context: 'RouterExplorer', service: 'causeway' });
  });

  it('writes pino-style calls with fields and an error', () => {
    const { logger, lines } = capture();
    logger.error({ err: new Error('boom'), keyId: 'k1' }, 'Request failed: boom', 'ProblemFilter');
    expect(lines[0]).toMatchObject({ level: 50, msg: 'Request failed: boom', context: 'ProblemFilter', keyId: 'k1' });
    expect((lines[0]['err'] as { stack: string }).stack).toContain('boom');
  });

  it('drops entries below the level', () => {
    const { logger, lines } = capture('warn');
    logger.log('quiet');
    logger.debug('quieter');
    logger.warn('loud');
    expect(lines.map((l) => l['msg'])).toEqual(['loud']);
  });
});
