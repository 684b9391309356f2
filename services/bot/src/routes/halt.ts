import type { HttpApp } from '@tickflow/runtime';
import { Type } from 'typebox';
import type { PaperBot } from '../bot.ts';
import { ErrorBody, HaltBody } from '../schemas.ts';

/**
 * The kill switch: POST /v1/halt and /v1/resume. A state change, so the `trade` scope (checked by
 * createHttpApp before the body is read; refused with 403 while no token is configured at all:
 * --tokens, or the older --admin-token).
 */
export function haltRoutes(bot: PaperBot) {
  return async (app: HttpApp) => {
    for (const [path, halt] of [
      ['/v1/halt', true],
      ['/v1/resume', false],
    ] as const) {
      app.post(
        path,
        {
          config: { scope: 'trade' },
          schema: {
            body: Type.Optional(Type.Object({ reason: Type.Optional(Type.String({ maxLength: 200 })) })),
            response: { 200: HaltBody, 401: ErrorBody, 403: ErrorBody },
          },
        },
        async (req) => {
          bot.halted = halt;
          bot.haltReason = halt ? (req.body?.reason ?? 'manual halt') : '';
          return { halted: bot.halted, reason: bot.haltReason };
        },
      );
    }
  };
}
