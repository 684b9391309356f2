import { type Static, Type } from 'typebox';

/**
 * The JSON Schema of report.json (`tickflow.eod-report/v1`), written beside it as
 * report.schema.json. Objects allow more properties than listed: fields are only ever added,
 * never renamed, so a reader of v1 keeps working. Money, prices and quantities are exact decimal
 * strings; counts are integers; estimates (volatility, win rates) are numbers or null.
 */
const Dec = Type.String({ pattern: '^-?\\d+(\\.\\d+)?$', description: 'exact decimal' });
const Int = Type.Integer();
const Num = Type.Number();
const NumOrNull = Type.Union([Type.Number(), Type.Null()]);
const DecOrNull = Type.Union([Dec, Type.Null()]);
const Obj = <P extends Parameters<typeof Type.Object>[0]>(props: P, description?: string) =>
  Type.Object(props, { additionalProperties: true, ...(description ? { description } : {}) });

const Counts = { matched: Int, missing: Int, extra: Int, differing: Int };
const Break = Obj({
  id: Type.String(),
  kind: Type.Union([Type.Literal('missing'), Type.Literal('extra'), Type.Literal('differing')]),
  detail: Type.String(),
});
const Tables = { ticks: Int, decisions: Int, fills: Int, rejects: Int };
const SymbolKey = { venue: Type.String(), symbol: Type.String() };
/** A venue + symbol's tick count and seq range, with the gaps and repeats in it. */
const SeqRange = { ...SymbolKey, ticks: Int, firstSeq: Int, lastSeq: Int, seqGaps: Int, duplicates: Int };

export const REPORT_JSON_SCHEMA = Type.Object(
  {
    schema: Type.Literal('tickflow.eod-report/v1'),
    date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    generatedAt: Type.String(),
    database: Type.String(),
    load: Obj({ ...Tables, unparseable: Int, watermarks: Obj(Tables) }),
    symbols: Type.Array(
      Obj({
        ...SeqRange,
        open: Dec,
        high: Dec,
        low: Dec,
        close: Dec,
        volume: Dec,
        returns1m: Int,
        volatility1mAnnualised: NumOrNull,
        decisions: Int,
        fills: Int,
        netQty: Dec,
        fees: Dec,
        pnl: Dec,
        pnlExact: Dec,
      }),
    ),
    pnl: Obj({ total: Dec, fees: Dec, fills: Int, unmarkedFills: Int }),
    rejects: Type.Array(Obj({ code: Type.String(), count: Int })),
    quality: Obj({
      seqGaps: Int,
      duplicates: Int,
      unparseable: Int,
      missingSeqs: Int,
      outOfOrder: Int,
      storedOutOfOrder: Int,
      storedOutOfOrderMaxDisplacement: Int,
      symbols: Type.Array(
        Obj({
          ...SeqRange,
          missingSeqs: Int,
          outOfOrder: Int,
          storedOutOfOrder: Type.Integer({
            description: 'ticks stored in TICKS after a higher seq of the same venue+symbol',
          }),
          storedOutOfOrderMaxDisplacement: Type.Integer({
            description: 'the most TICKS messages such a tick was stored after the first higher seq',
          }),
          longestStaleSeconds: Num,
          longestStaleFrom: Type.Union([Type.String(), Type.Null()]),
        }),
      ),
      rejects: Type.Array(
        Obj({ venue: Type.String(), code: Type.String(), count: Int, example: Type.String() }),
      ),
    }),
    bars: Type.Array(
      Obj({
        ...SymbolKey,
        ticks: Int,
        minutes: Int,
        open: Dec,
        high: Dec,
        low: Dec,
        close: Dec,
        volume: Dec,
        turnover: Dec,
        vwap: DecOrNull,
      }),
    ),
    volatility: Type.Array(
      Obj({
        ...SymbolKey,
        rank: Int,
        bars: Int,
        closeToClose1m: NumOrNull,
        closeToClose5m: NumOrNull,
        parkinson: NumOrNull,
        garmanKlass: NumOrNull,
        rogersSatchell: NumOrNull,
        realisedVariance: NumOrNull,
      }),
    ),
    profitAndLoss: Obj({
      symbols: Type.Array(
        Obj({
          symbol: Type.String(),
          fills: Int,
          boughtQty: Dec,
          soldQty: Dec,
          turnover: Dec,
          fees: Dec,
          realised: Dec,
          unrealised: Dec,
          net: Dec,
          position: Dec,
          avgCost: DecOrNull,
          mark: DecOrNull,
          roundTrips: Int,
          wins: Int,
          winRate: NumOrNull,
          maxDrawdown: Dec,
        }),
      ),
      total: Obj({
        fills: Int,
        turnover: Dec,
        fees: Dec,
        realised: Dec,
        unrealised: Dec,
        net: Dec,
        netExact: Dec,
        roundTrips: Int,
        wins: Int,
        winRate: NumOrNull,
        maxDrawdown: Dec,
      }),
      curve: Type.Array(Obj({ minute: Int, equity: Dec }), {
        description: 'total equity at the end of each minute (minutes since the epoch, UTC)',
      }),
    }),
    reconciliation: Obj({
      decisions: Obj({
        speed: Int,
        batch: Int,
        ...Counts,
        breaks: Type.Array(Break),
        paused: Type.Optional(
          Type.Array(
            Obj({
              venue: Type.String(),
              symbol: Type.String(),
              strategy: Type.String(),
              tickSeq: Int,
              error: Type.String(),
            }),
            { description: 'strategies that threw or returned something invalid: paused from tickSeq on' },
          ),
        ),
      }),
      fills: Obj({
        model: Type.Union([Type.Literal('snapshot'), Type.Literal('default')]),
        execution: Obj({}),
        speed: Int,
        batch: Int,
        ...Counts,
        rejected: Int,
        openAtClose: Int,
        breaks: Type.Array(Break, { description: 'the first 100' }),
        snapshot: Type.Optional(Obj({ positionsEqual: Type.Boolean(), detail: Type.Array(Type.String()) })),
      }),
      pnl: Obj({ averageCost: Dec, cashFlow: Dec, equal: Type.Boolean() }),
      duplicates: Obj(
        {
          ticks: Int,
          decisions: Int,
          fills: Int,
          orders: Int,
          breaks: Int,
          records: Type.Array(
            Obj({
              table: Type.Union([
                Type.Literal('ticks'),
                Type.Literal('decisions'),
                Type.Literal('fills'),
                Type.Literal('orders'),
              ]),
              id: Type.String({
                description: 'fill, decision or order event id; venue/symbol/seq for a tick',
              }),
              copies: Int,
              streamSeqs: Type.Array(Int, { description: 'first stored (the one counted) first' }),
              sameContent: Type.Boolean(),
            }),
            { description: 'the first 1,000' },
          ),
        },
        'records stored more than once, each counted once (the first stored)',
      ),
      clean: Type.Boolean(),
    }),
    archive: Type.Array(Obj({ table: Type.String(), rows: Int, dir: Type.String() })),
  },
  {
    additionalProperties: true,
    $id: 'https://tickflow.local/schemas/eod-report-v1.json',
    title: 'tickflow end-of-day report (report.json)',
  },
);

export type ReportJson = Static<typeof REPORT_JSON_SCHEMA>;
