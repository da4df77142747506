import { setImmediate as nextTurn } from 'node:timers/promises';
import type { VerifyResult } from './event-store.port';
import type { StoredEvent } from './event-types';
import { GENESIS_HASH, verifyChain } from './hash-chain';

/** One page of the log as an adapter read it for `verify()`. */
export interface VerifyPage {
  readonly events: readonly StoredEvent[];
  /** A position the page could not read (an event that cannot be resolved); the page stops before it. */
  readonly unreadableAt?: number | null;
}

export interface VerifySource {
  /** The hash the range's first link must point at; only asked when the range starts after position 1. */
  readonly linkInto: (start: number) => Promise<string> | string;
  /** The next page of the log, in position order, starting at `next` and ending at `to` at the latest. */
  readonly readPage: (next: number, to: number) => Promise<VerifyPage> | VerifyPage;
  /** Runs after the pause between pages, before the next page is read (a closed store stops here). */
  readonly betweenPages?: () => void;
}

/**
 * The paging of every adapter's `verify()`: checks positions `from`..`to` (`to` already capped at the
 * head) page by page with `verifyChain`, handing each page's last hash and next position on, and
 * yields to the event loop between pages since re-hashing a long log takes seconds. A range that ends
 * before `to` is broken at the first position missing.
 */
export async function verifyInPages(from: number, to: number, source: VerifySource): Promise<VerifyResult> {
  const start = Math.max(from, 1);
  if (start > to) return { ok: true, checked: 0, firstBrokenPosition: null };

  let prevHash = start > 1 ? await source.linkInto(start) : GENESIS_HASH;
  let next = start;
  let checked = 0;
  while (next <= to) {
    if (checked > 0) {
      await nextTurn();
      source.betweenPages?.();
    }
    const page = await source.readPage(next, to);
    const result = verifyChain(page.events, prevHash, next);
    checked += result.checked;
    if (!result.ok) return { ok: false, checked, firstBrokenPosition: result.firstBrokenPosition };
    if (page.unreadableAt != null) return { ok: false, checked: checked + 1, firstBrokenPosition: page.unreadableAt };
    if (page.events.length === 0) break;
    prevHash = result.lastHash;
    next = result.nextPosition;
  }
  if (next <= to) return { ok: false, checked, firstBrokenPosition: next };
  return { ok: true, checked, firstBrokenPosition: null };
}
