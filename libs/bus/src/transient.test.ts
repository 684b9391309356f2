import { ErrorCode, NatsError } from 'nats';
import { describe, expect, it } from 'vitest';
import { isTransientBusError, retryWhileAway } from './transient.ts';

describe('isTransientBusError', () => {
  it('takes a timed-out request, a lost connection and a JetStream not answering yet for transient', () => {
    for (const code of [
      ErrorCode.Timeout,
      ErrorCode.Disconnect,
      ErrorCode.ConnectionClosed,
      ErrorCode.NoResponders,
    ])
      expect(isTransientBusError(NatsError.errorForCode(code))).toBe(true);
  });

  it('does not take a refused permission, a bad payload or a plain error for transient', () => {
    expect(isTransientBusError(NatsError.errorForCode(ErrorCode.PermissionsViolation))).toBe(false);
    expect(isTransientBusError(NatsError.errorForCode(ErrorCode.MaxPayloadExceeded))).toBe(false);
    expect(isTransientBusError(new Error('TIMEOUT'))).toBe(false);
  });
});

describe('retryWhileAway', () => {
  const timeout = () => NatsError.errorForCode(ErrorCode.Timeout);

  it('tries a request again while the broker is away, then gives its answer', async () => {
    let calls = 0;
    const heard: number[] = [];
    const answer = await retryWhileAway(
      async () => {
        if (++calls < 3) throw timeout();
        return 'stored';
      },
      10_000,
      (_, attempt) => heard.push(attempt),
    );
    expect(answer).toBe('stored');
    expect(heard).toEqual([1, 2]);
  });

  it('throws any other error at once', async () => {
    let calls = 0;
    const denied = NatsError.errorForCode(ErrorCode.PermissionsViolation);
    await expect(
      retryWhileAway(async () => {
        calls++;
        throw denied;
      }, 10_000),
    ).rejects.toBe(denied);
    expect(calls).toBe(1);
  });

  it('throws the broker error once its time is up', async () => {
    const started = Date.now();
    await expect(
      retryWhileAway(async () => {
        throw timeout();
      }, 600),
    ).rejects.toMatchObject({ code: ErrorCode.Timeout });
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
