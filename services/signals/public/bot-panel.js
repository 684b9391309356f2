import { getJson } from './api.js';
import { renderFigures, renderRows, setBadge } from './figures.js';
import { money, sign } from './format.js';
import { drawSparkline } from './sparkline.js';

/** Equity samples kept for the curve: 15 minutes at one a second. */
const CURVE_POINTS = 900;

/**
 * The paper bot: equity (and its curve, sampled at each refresh), P&L, halted state and positions,
 * read through signals' proxy.
 */
export class BotPanel {
  constructor(root) {
    this.state = root.querySelector('#bot-state');
    this.figures = root.querySelector('#bot-figures');
    this.positions = root.querySelector('#positions tbody');
    this.curve = root.querySelector('#equity-curve');
    /** @type {number[]} */
    this.equity = [];
    this.last = undefined;
  }

  async refresh() {
    let body;
    try {
      body = await getJson('/v1/dashboard/bot');
    } catch (err) {
      body = { reachable: false, error: String(err) };
    }
    this.last = body;
    if (!body.reachable) {
      setBadge(this.state, 'unreachable', 'bad');
      this.state.title = body.error ?? '';
      renderFigures(this.figures, [['bot', body.url ?? '—']]);
      renderRows(this.positions, []);
      return;
    }
    const { account, pnl, positions } = body;
    this.equity.push(Number(pnl.equity));
    if (this.equity.length > CURVE_POINTS) this.equity.splice(0, this.equity.length - CURVE_POINTS);
    drawSparkline(this.curve, this.equity);
    setBadge(this.state, account.halted ? 'HALTED' : 'trading', account.halted ? 'bad' : 'ok');
    this.state.title = account.halted ? 'decisions are rejected until resumed' : '';
    renderFigures(this.figures, [
      ['equity', money(pnl.equity)],
      ['cash', money(pnl.cash)],
      ['net P&L', money(pnl.net), sign(pnl.net)],
      ['realized', money(pnl.realized), sign(pnl.realized)],
      ['unrealized', money(pnl.unrealized), sign(pnl.unrealized)],
      ['fees', money(pnl.fees)],
      ['fills', String(pnl.fills)],
    ]);
    renderRows(
      this.positions,
      positions.map((p) => [
        p.symbol,
        [p.qty, 'num'],
        [money(p.avgCost), 'num'],
        [money(p.lastPrice), 'num'],
        [money(p.unrealizedPnl), `num ${sign(p.unrealizedPnl)}`],
        [money(p.realizedPnl), `num ${sign(p.realizedPnl)}`],
      ]),
    );
  }
}
