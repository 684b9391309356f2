import { STALE } from './epoch.ts';
import type { StoredRef } from './last-stored.ts';
import type { Outbox } from './outbox.ts';
import { siblingsOf } from './subjects.ts';

/**
 * The absolute index of the last outbox entry the stream holds among those before `to` (the
 * outbox's firstIndex - 1 when none), or STALE. Stored entries are a prefix of what was sent (one
 * connection is processed in order, and ConfirmingPublisher sends nothing newer while an older one
 * may be lost), and an entry is stored exactly when the last stored message on its subject is it
 * or a later entry: a binary search over the window, one read-back a step, whatever the number
 * of subjects.
 */
export async function storedPrefixEnd(
  outbox: Outbox,
  to: number,
  lastStored: (subject: string) => Promise<StoredRef | undefined | typeof STALE>,
): Promise<number | typeof STALE> {
  let lo = outbox.firstIndex;
  let hi = to - 1;
  let end = lo - 1;
  while (lo <= hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const e = outbox.at(mid);
    if (!e) break;
    const stored = await lastStored(e.subject);
    if (stored === STALE) return STALE;
    const at = stored === undefined ? -1 : outbox.indexOf(stored.msgId, e.subject, to - 1);
    if (at >= mid) {
      end = Math.max(end, at);
      lo = at + 1;
    } else hi = mid - 1;
  }
  return end;
}

/**
 * The outbox index of the last entry the stream holds, read back from the entry `newest` on
 * `subject`: first the last message on the subject's siblings (`ticks.<venue>.*`: one read covers
 * all of a feed's symbols), then, when that one is not in the window (another publisher on a
 * sibling subject), on the subject itself. (Partitioned: `ticks.<venue>.*.p<k>of<n>`, `siblingsOf`.) -1 when neither is in the window, or the siblings'
 * last is `confirmed` (the newest entry already confirmed: nothing new stored, no second read).
 */
export async function storedIndex(
  outbox: Outbox,
  subject: string,
  newest: number,
  confirmed: StoredRef | undefined,
  lastStored: (subject: string) => Promise<StoredRef | undefined | typeof STALE>,
): Promise<number | typeof STALE> {
  const siblings = siblingsOf(subject);
  if (siblings) {
    const wide = await lastStored(siblings);
    if (wide === STALE) return STALE;
    const at = wide ? outbox.indexOf(wide.msgId, wide.subject, newest) : -1;
    if (at >= 0) return at;
    if (wide && confirmed && wide.msgId === confirmed.msgId && wide.subject === confirmed.subject) return -1;
  }
  const own = await lastStored(subject);
  if (own === STALE) return STALE;
  return own ? outbox.indexOf(own.msgId, own.subject, newest) : -1;
}
