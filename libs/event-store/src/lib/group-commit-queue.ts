/** What one request of a group ended with: its own result or its own error. */
export type CommitOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

export interface GroupCommitQueueOptions<TRequest, TResult> {
  /**
   * Commits a whole group in one transaction and reports one outcome per request, in order. A
   * request's own failure is an outcome; throwing fails every request of the group with that error
   * (the transaction as a whole did not commit).
   */
  readonly commit: (group: readonly TRequest[]) => readonly CommitOutcome<TResult>[] | Promise<readonly CommitOutcome<TResult>[]>;
  /** Defers the flush to let concurrent callers join the group; `setImmediate` by default. */
  readonly schedule?: (run: () => void) => void;
  /** Largest group; the rest waits for the next one so one flush cannot hold the event loop for long. */
  readonly maxGroupSize?: number;
}

/** A queued request and the promise its caller waits on. */
export interface Pending<TRequest, TResult> {
  readonly request: TRequest;
  readonly resolve: (result: TResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Commits one group and settles each caller with its own outcome. A throw, or a wrong number of
 * outcomes, means the transaction as a whole did not commit: every caller of the group gets that error.
 */
export async function commitAndSettle<TRequest, TResult>(
  commit: (group: readonly TRequest[]) => readonly CommitOutcome<TResult>[] | Promise<readonly CommitOutcome<TResult>[]>,
  group: readonly Pending<TRequest, TResult>[],
): Promise<void> {
  let outcomes: readonly CommitOutcome<TResult>[];
  try {
    outcomes = await commit(group.map((pending) => pending.request));
    if (outcomes.length !== group.length) {
      throw new Error(`group commit returned ${outcomes.length} outcomes for ${group.length} requests`);
    }
  } catch (error) {
    for (const pending of group) pending.reject(error);
    return;
  }
  group.forEach((pending, i) => {
    const outcome = outcomes[i];
    if (outcome.ok) pending.resolve(outcome.value);
    else pending.reject(outcome.error);
  });
}

/**
 * Group commit: the cost of a durable commit is one fsync whatever its size, so requests that
 * arrive while a commit is scheduled or running are committed together, and each caller is
 * answered only after the commit that contains its request has returned.
 */
export class GroupCommitQueue<TRequest, TResult> {
  private readonly queue: Pending<TRequest, TResult>[] = [];
  private readonly schedule: (run: () => void) => void;
  private readonly maxGroupSize: number;
  private scheduled = false;
  private running: Promise<void> | null = null;

  constructor(private readonly options: GroupCommitQueueOptions<TRequest, TResult>) {
    this.schedule = options.schedule ?? ((run) => setImmediate(run));
    this.maxGroupSize = options.maxGroupSize ?? 1024;
  }

  /** Requests waiting for a commit (not counting a group being committed). */
  get pending(): number {
    return this.queue.length;
  }

  enqueue(request: TRequest): Promise<TResult> {
    return new Promise<TResult>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.kick();
    });
  }

  /** Commits everything queued so far (and waits for a group already running). */
  async flush(): Promise<void> {
    while (this.running !== null || this.queue.length > 0) {
      await (this.running ?? this.runGroup());
    }
  }

  private kick(): void {
    if (this.scheduled || this.running !== null) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      if (this.running === null && this.queue.length > 0) void this.runGroup();
    });
  }

  private runGroup(): Promise<void> {
    const group = this.queue.splice(0, this.maxGroupSize);
    const running = commitAndSettle(this.options.commit, group).finally(() => {
      this.running = null;
      if (this.queue.length > 0) this.kick();
    });
    this.running = running;
    return running;
  }
}
