/**
 * Commands on one stream in this process wait their turn instead of racing to conflict: N
 * concurrent writers become a queue instead of N-1 conflicts per round. Writers in other processes
 * are still handled by the command handler's retries.
 */
export class StreamTurns {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(streamId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(streamId) ?? Promise.resolve();
    const turn = previous.then(work);
    const settled = turn.catch(() => undefined);
    this.tails.set(streamId, settled);
    void settled.then(() => {
      if (this.tails.get(streamId) === settled) this.tails.delete(streamId);
    });
    return turn;
  }
}
