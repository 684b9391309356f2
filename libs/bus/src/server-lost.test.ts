import { describe, expect, it } from 'vitest';
import { serverLossDetector } from './server-lost.ts';

describe('serverLossDetector', () => {
  it('tells a server gone from connect_urls as server-lost though nats.js deleted nothing', () => {
    let urls = ['127.0.0.1:1', '127.0.0.1:2', '127.0.0.1:3'];
    const lost = serverLossDetector(() => ({ connect_urls: urls }));
    expect(lost('update', '{"added":[],"deleted":[]}')).toBe('update');
    urls = ['127.0.0.1:1', '127.0.0.1:3'];
    expect(lost('update', '{"added":[],"deleted":[]}')).toBe('server-lost');
    urls = ['127.0.0.1:1', '127.0.0.1:3', '127.0.0.1:2'];
    expect(lost('update', '{"added":[],"deleted":[]}')).toBe('update');
  });

  it('passes a gossiped deletion and other events through as nats.js names them', () => {
    const lost = serverLossDetector(() => ({ connect_urls: ['a:1'] }));
    expect(lost('update', '{"added":[],"deleted":["b:2"]}')).toBe('server-lost');
    expect(lost('disconnect', 'a:1')).toBe('disconnect');
  });

  it('takes the new server list after a reconnect without calling it a loss', () => {
    let urls = ['a:1', 'b:2'];
    const lost = serverLossDetector(() => ({ connect_urls: urls }));
    urls = ['c:3'];
    expect(lost('reconnect', 'c:3')).toBe('reconnect');
    expect(lost('update', '{"added":[],"deleted":[]}')).toBe('update');
  });
});
