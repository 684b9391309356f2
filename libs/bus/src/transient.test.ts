import { ErrorCode, NatsError } from 'nats';
import { describe, expect, it } from 'vitest';
import { isTransientBusError } from './transient.ts';

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
