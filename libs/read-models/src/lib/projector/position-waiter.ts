interface Waiter {
  readonly position: number;
  readonly resolve: (reached: boolean) => void;
  readonly timer: NodeJS.Timeout;
}

/** The committed checkpoint as this process last saw it, and the read-your-writes callers waiting for it. */
export class PositionWaiter {
  /** Null until read. */
  position: number | null = null;
  private readonly waiters = new Set<Waiter>();

  reached(position: number): boolean {
    return this.position !== null && this.position >= position;
  }

  get waiting(): boolean {
    return this.waiters.size > 0;
  }

  /** Resolves true once `advance` reaches `position`, false when `timeoutMs` passes first. */
  wait(position: number, timeoutMs: number): Promise<boolean> {
    const reached = new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        position,
        resolve,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          resolve(false);
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
    // The checkpoint may have moved while the caller awaited its read.
    if (this.position !== null && this.position >= position) this.advance(this.position);
    return reached;
  }

  advance(position: number): void {
    this.position = position;
    for (const waiter of this.waiters) {
      if (waiter.position <= position) {
        clearTimeout(waiter.timer);
        this.waiters.delete(waiter);
        waiter.resolve(true);
      }
    }
  }
}
