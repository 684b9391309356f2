import { streamProtocols } from './auth.js';

/**
 * The /v1/stream WebSocket, kept open: after a close (server restart, network) it reconnects with
 * capped exponential backoff and jitter (so a restarted server is not hit by every page at once),
 * subscribes again, and calls `onOpen(reconnected)` so the page can re-read what it missed.
 */
export class LiveStream {
  constructor({ url, subscribe, onOpen, onMessage, onStatus }) {
    this.url = url;
    this.subscribe = subscribe;
    this.onOpen = onOpen;
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.attempt = 0;
    this.connects = 0;
    this.socket = undefined;
  }

  start() {
    this.onStatus('connecting', 'connecting…');
    const ws = new WebSocket(this.url, streamProtocols());
    this.socket = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.connects++;
      ws.send(JSON.stringify({ subscribe: this.subscribe }));
      this.onStatus('live', 'live');
      this.onOpen(this.connects > 1);
    };
    ws.onmessage = (ev) => {
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return; // not ours to crash on
      }
      this.onMessage(msg);
    };
    ws.onclose = () => {
      if (this.socket !== ws) return;
      const delay = Math.min(10_000, 500 * 2 ** this.attempt) * (0.5 + Math.random() / 2);
      this.attempt = Math.min(this.attempt + 1, 10);
      this.onStatus('down', `reconnecting in ${(delay / 1000).toFixed(1)} s`);
      setTimeout(() => this.start(), delay);
    };
    // An error is always followed by close, which schedules the retry.
    ws.onerror = () => {};
  }
}
