import { type JetStreamManager, NatsError } from 'nats';
import type { StreamName } from './streams.ts';

/** The payload of the last message on a subject, or undefined when there is none. */
export async function lastMessageOn(
  jsm: JetStreamManager,
  stream: StreamName,
  subject: string,
): Promise<Uint8Array | undefined> {
  return (await lastOn(jsm, stream, subject))?.data;
}

/** The last message on a subject, or undefined when there is none. */
export async function lastOn(jsm: JetStreamManager, stream: StreamName, subject: string) {
  try {
    return await jsm.streams.getMessage(stream, { last_by_subj: subject });
  } catch (err) {
    if (err instanceof NatsError && (err.api_error?.err_code === 10037 || err.code === '404'))
      return undefined;
    throw err;
  }
}

/** Stream sequence of the last message on a subject (wildcards too), 0 when there is none. */
export async function lastSeqOn(jsm: JetStreamManager, stream: StreamName, subject: string): Promise<number> {
  return (await lastOn(jsm, stream, subject))?.seq ?? 0;
}
