/**
 * The points of one chart series, kept in the page and pushed to the chart at render time only:
 * many stream frames between two renders cost one `update` per changed point, never a redraw each.
 */
export class SeriesBuffer {
  constructor(max = 1000) {
    this.max = max;
    this.points = [];
    this.from = 0; // first index not yet sent to the chart
    this.reset = true; // the chart must get the whole array (setData)
  }

  /** Adds a point or, at the time of the last one, changes it with `merge(old)`; earlier times are ignored. */
  upsert(time, make, merge) {
    const last = this.points[this.points.length - 1];
    if (last && time < last.time) return;
    if (last && time === last.time) {
      merge(last);
      this.from = Math.min(this.from, this.points.length - 1);
      return;
    }
    this.points.push(make());
    if (this.points.length > this.max) {
      this.points.splice(0, this.points.length - this.max);
      this.reset = true;
    }
  }

  /** Replaces every point (a fresh read of the history). */
  replace(points) {
    this.points = points.slice(-this.max);
    this.reset = true;
  }

  /** Drops points before `time` (older than the candles shown). */
  trimBefore(time) {
    const i = this.points.findIndex((p) => p.time >= time);
    if (i > 0 || (i === -1 && this.points.length)) {
      this.points = i === -1 ? [] : this.points.slice(i);
      this.reset = true;
    }
  }

  /** Sends what changed since the last flush to `series`. */
  flush(series) {
    if (this.reset) series.setData(this.points.map((p) => ({ ...p })));
    else for (let i = this.from; i < this.points.length; i++) series.update({ ...this.points[i] });
    this.reset = false;
    this.from = this.points.length;
  }
}
