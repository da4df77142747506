import { checkpointPayload, parseCheckpointPayload } from './postgres-session';

describe('checkpoint notifications', () => {
  it('announce the default checkpoint as a bare position and others with their name', () => {
    expect(checkpointPayload('read-models', 'read-models', 42)).toBe('42');
    expect(checkpointPayload('audit', 'read-models', 7)).toBe('audit:7');
  });

  it('are read back only by the checkpoint they concern', () => {
    expect(parseCheckpointPayload('42', 'read-models', 'read-models')).toBe(42);
    expect(parseCheckpointPayload('audit:7', 'audit', 'read-models')).toBe(7);
    expect(parseCheckpointPayload('audit:7', 'read-models', 'read-models')).toBeNull();
    expect(parseCheckpointPayload('42', 'audit', 'read-models')).toBeNull();
    expect(parseCheckpointPayload('a:b:9', 'a:b', 'read-models')).toBe(9);
  });

  it('ignore payloads that are not positions', () => {
    for (const payload of ['', 'x', '-1', '1.5', '99999999999999999999']) {
      expect(parseCheckpointPayload(payload, 'read-models', 'read-models')).toBeNull();
    }
  });
});
