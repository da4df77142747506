import { Client, type Notification } from 'pg';

export interface NotificationListenerOptions {
  readonly connectionString: string;
  readonly channels: readonly string[];
  readonly connectionTimeoutMs: number;
  readonly onNotification: (channel: string, payload: string) => void;
  /** Called after every (re)connection: notifications sent while disconnected are lost. */
  readonly onConnected: () => void;
}

/** `application_name` of listener sessions, so a sequencer can tell whether anyone else listens. */
export const LISTENER_APPLICATION_NAME = 'causeway-listener';

const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 2000;

/**
 * LISTENs on its own connection (a pooled one would be handed to queries), and reconnects with
 * backoff when the server goes away. Notifications only shorten waits: every consumer also polls,
 * so a lost notification costs latency, never an event.
 */
export class NotificationListener {
  private client: Client | null = null;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private backoff = RECONNECT_MIN_MS;
  private connecting: Promise<void> | null = null;

  constructor(private readonly options: NotificationListenerOptions) {}

  start(): void {
    this.connecting ??= this.connect();
  }

  /** The server process id of the listening session while connected. */
  get backendPid(): number | null {
    return (this.client as (Client & { processID?: number }) | null)?.processID ?? null;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.connecting;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({
      connectionString: this.options.connectionString,
      connectionTimeoutMillis: this.options.connectionTimeoutMs,
      keepAlive: true,
      application_name: LISTENER_APPLICATION_NAME,
    });
    let lost = false;
    const onLost = (): void => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = null;
      void client.end().catch(() => undefined);
      this.retry();
    };
    client.on('error', onLost);
    client.on('end', onLost);
    client.on('notification', (message: Notification) => this.options.onNotification(message.channel, message.payload ?? ''));
    try {
      await client.connect();
      for (const channel of this.options.channels) await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
      if (this.stopped) {
        await client.end().catch(() => undefined);
        return;
      }
      this.client = client;
      this.backoff = RECONNECT_MIN_MS;
      this.options.onConnected();
    } catch {
      onLost();
    } finally {
      this.connecting = null;
    }
  }

  private retry(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped) this.connecting ??= this.connect();
    }, this.backoff);
    this.retryTimer.unref();
    this.backoff = Math.min(this.backoff * 2, RECONNECT_MAX_MS);
  }
}
