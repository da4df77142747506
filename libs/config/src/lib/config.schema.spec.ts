import { ConfigError, loadConfig } from './config.schema';

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      CAUSEWAY_DATA_DIR: './data',
      CAUSEWAY_STORE: 'sqlite',
      CAUSEWAY_WEBHOOK_ALLOW_PRIVATE: false,
      CAUSEWAY_SCHEDULER_INTERVAL_MS: 1000,
    });
  });

  it('parses numbers and booleans from strings', () => {
    const config = loadConfig({ PORT: '8080', CAUSEWAY_WEBHOOK_ALLOW_PRIVATE: 'true', CAUSEWAY_SCHEDULER_INTERVAL_MS: '250' });
    expect(config.PORT).toBe(8080);
    expect(config.CAUSEWAY_WEBHOOK_ALLOW_PRIVATE).toBe(true);
    expect(config.CAUSEWAY_SCHEDULER_INTERVAL_MS).toBe(250);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ CAUSEWAY_STORE: 'mysql' }, 'CAUSEWAY_STORE'],
    [{ CAUSEWAY_STORE: 'postgres' }, 'DATABASE_URL'],
    [{ CAUSEWAY_STORE: 'eventstoredb' }, 'EVENTSTOREDB_URL'],
    [{ CAUSEWAY_BOOTSTRAP_ADMIN_KEY: 'short' }, 'CAUSEWAY_BOOTSTRAP_ADMIN_KEY'],
    [{ CAUSEWAY_WEBHOOK_ALLOW_PRIVATE: 'maybe' }, 'CAUSEWAY_WEBHOOK_ALLOW_PRIVATE'],
    [{ CAUSEWAY_SCHEDULER_INTERVAL_MS: '0' }, 'CAUSEWAY_SCHEDULER_INTERVAL_MS'],
  ])('rejects %j naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as ConfigError).problems.map((p) => p.variable)).toContain(variable);
      expect((error as Error).message).toContain(variable);
    }
  });

  it('ignores variables it does not own and empty values', () => {
    expect(loadConfig({ HOME: '/root', PORT: '' }).PORT).toBe(3000);
  });
});
