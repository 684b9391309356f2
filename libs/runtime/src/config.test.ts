import { describe, expect, it } from 'vitest';
import { commonSpec } from './common-spec.ts';
import { ConfigError, resolveConfig, unknownEnv } from './config.ts';
import { bool, choice, int, optionalDate, optionalStr, str, url } from './config-fields.ts';

const spec = {
  natsUrl: url({
    flag: 'nats-url',
    env: 'NATS_URL',
    description: 'NATS',
    default: 'nats://127.0.0.1:4222',
    protocols: ['nats'],
  }),
  port: int({ flag: 'port', env: 'TICKFLOW_PORT', description: 'port', default: 8080, min: 1, max: 65535 }),
  mode: choice({
    flag: 'mode',
    env: 'TICKFLOW_MODE',
    description: 'mode',
    default: 'live',
    choices: ['live', 'replay'] as const,
  }),
  verbose: bool({ flag: 'verbose', env: 'TICKFLOW_VERBOSE', description: 'verbose', default: false }),
  token: optionalStr({ flag: 'token', env: 'TICKFLOW_TOKEN', description: 'token' }),
  name: str({
    flag: 'name',
    description: 'name, flag only',
    default: 'tickflow',
    pattern: /^[a-z]+$/,
    hint: 'lower case',
  }),
};

/** The problems listed by the ConfigError that resolveConfig throws. */
const problems = (flags: Record<string, unknown>, env: Record<string, string | undefined>) => {
  try {
    resolveConfig(spec, flags, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
};

describe('resolveConfig', () => {
  it('uses the defaults when nothing is given', () => {
    expect(resolveConfig(spec, {}, {})).toEqual({
      natsUrl: 'nats://127.0.0.1:4222',
      port: 8080,
      mode: 'live',
      verbose: false,
      token: undefined,
      name: 'tickflow',
    });
  });

  it('prefers env over defaults and flags over env', () => {
    const env = { NATS_URL: 'nats://env:4222', TICKFLOW_PORT: '9000', TICKFLOW_MODE: 'replay' };
    expect(resolveConfig(spec, {}, env)).toMatchObject({
      natsUrl: 'nats://env:4222',
      port: 9000,
      mode: 'replay',
    });
    expect(resolveConfig(spec, { natsUrl: 'nats://flag:4222', port: '9100' }, env)).toMatchObject({
      natsUrl: 'nats://flag:4222',
      port: 9100,
      mode: 'replay',
    });
  });

  it('treats an empty env var as unset', () => {
    expect(resolveConfig(spec, {}, { TICKFLOW_PORT: '' }).port).toBe(8080);
  });

  it('takes a boolean switch given as true', () => {
    expect(resolveConfig(spec, { verbose: true }, { TICKFLOW_VERBOSE: 'false' }).verbose).toBe(true);
  });

  it('lists every bad value, each naming its flag or env var', () => {
    const list = problems({ port: 'abc' }, { TICKFLOW_MODE: 'paper', TICKFLOW_PORT: '80' });
    expect(list).toHaveLength(2);
    expect(list[0]).toMatch(/^--port: .*"abc"/);
    expect(list[1]).toMatch(/^TICKFLOW_MODE: .*"paper"/);
  });

  it('puts every problem in the error message', () => {
    expect(() => resolveConfig(spec, {}, { TICKFLOW_PORT: '0', NATS_URL: 'x' })).toThrow(
      /NATS_URL: expected a URL.*\n.*TICKFLOW_PORT: must be >= 1/,
    );
  });
});

describe('int', () => {
  const port = spec.port;
  it('parses integers within range', () => {
    expect(port.parse('1')).toBe(1);
    expect(port.parse('65535')).toBe(65535);
    expect(port.parse(' 42 ')).toBe(42);
  });

  it.each(['1.5', 'abc', '', '1e3', '0x10'])('rejects %j', (raw) => {
    expect(() => port.parse(raw)).toThrow(/expected an integer/);
  });

  it.each([
    ['0', />= 1/],
    ['65536', /<= 65535/],
    ['-5', />= 1/],
  ])('rejects the out-of-range %j', (raw, message) => {
    expect(() => port.parse(raw)).toThrow(message);
  });
});

describe('url', () => {
  it('accepts an allowed protocol', () => {
    expect(spec.natsUrl.parse('nats://localhost:4222')).toBe('nats://localhost:4222');
  });

  it('rejects a http url when only nats is allowed', () => {
    expect(() => spec.natsUrl.parse('http://localhost:4222')).toThrow(/expected a nats URL/);
  });

  it('rejects a non-url', () => {
    expect(() => spec.natsUrl.parse('not a url')).toThrow(/expected a URL/);
  });

  it('accepts tls in the common spec', () => {
    expect(commonSpec.natsUrl.parse('tls://nats.example:4222')).toBe('tls://nats.example:4222');
  });
});

describe('urlList (--nats-url seeds)', () => {
  it('takes comma-separated seed servers, blanks around the commas dropped', () => {
    expect(commonSpec.natsUrl.parse('nats://a:4222, nats://b:4222 ,tls://c:4222')).toBe(
      'nats://a:4222,nats://b:4222,tls://c:4222',
    );
  });

  it('refuses a list with an empty entry', () => {
    expect(() => commonSpec.natsUrl.parse('nats://a:4222,,nats://b:4222')).toThrow(/comma-separated URLs/);
  });

  it('names the bad entry of a list without repeating its password', () => {
    const parse = () => commonSpec.natsUrl.parse('nats://a:4222,http://u:s3cret@b:4222');
    expect(parse).toThrow(/expected a nats\/tls URL, got "http:\/\/u:\*\*\*@b:4222"/);
    expect(parse).not.toThrow(/s3cret/);
  });

  it('reads a seed list from NATS_URL', () => {
    const c = resolveConfig(commonSpec, {}, { NATS_URL: 'nats://a:1,nats://b:2' });
    expect(c.natsUrl).toBe('nats://a:1,nats://b:2');
  });
});

describe('choice', () => {
  it('accepts only the listed choices', () => {
    expect(spec.mode.parse('replay')).toBe('replay');
    expect(() => spec.mode.parse('REPLAY')).toThrow(/expected one of live, replay/);
  });
});

describe('bool', () => {
  it.each([
    ['true', true],
    ['1', true],
    ['TRUE', true],
    ['false', false],
    ['0', false],
    ['off', false],
  ])('parses %j as %s', (raw, value) => {
    expect(spec.verbose.parse(raw)).toBe(value);
  });

  it('rejects anything else', () => {
    expect(() => spec.verbose.parse('maybe')).toThrow(/expected true or false/);
  });
});

describe('optionalStr and str', () => {
  it('defaults an optional string to undefined and takes a given one', () => {
    expect(spec.token.default).toBeUndefined();
    expect(resolveConfig(spec, {}, { TICKFLOW_TOKEN: 's3cret' }).token).toBe('s3cret');
  });

  it('checks a string against its pattern', () => {
    expect(resolveConfig(spec, { name: 'abc' }, {}).name).toBe('abc');
    expect(() => spec.name.parse('ABC')).toThrow(/expected lower case, got "ABC"/);
  });
});

describe('unknownEnv', () => {
  it('returns only the TICKFLOW_* names no spec declares', () => {
    const env = {
      TICKFLOW_PORT: '1',
      TICKFLOW_PROT: '2',
      TICKFLOW_LOG_LEVEL: 'info',
      NATS_URL: 'nats://x',
      HOME: '/root',
      TICKFLOW_X: undefined,
    };
    expect(unknownEnv(env, [spec, commonSpec])).toEqual(['TICKFLOW_PROT', 'TICKFLOW_X']);
    expect(unknownEnv(env, [spec])).toEqual(['TICKFLOW_PROT', 'TICKFLOW_LOG_LEVEL', 'TICKFLOW_X']);
  });
});

describe('int() beyond the safe range', () => {
  it('refuses an integer JavaScript cannot hold exactly', () => {
    const spec = { n: int({ flag: 'n', description: 'n', default: 1 }) };
    expect(() => resolveConfig(spec, { n: '99999999999999999999' }, {})).toThrow(/integer out of range/);
  });
});

describe('optionalDate', () => {
  const spec = { date: optionalDate({ flag: 'date', env: 'TICKFLOW_EOD_DATE', description: 'a day' }) };
  it('takes a real calendar date, leap days included', () => {
    expect(resolveConfig(spec, { date: '2028-02-29' }, {}).date).toBe('2028-02-29');
    expect(resolveConfig(spec, {}, {}).date).toBeUndefined();
  });
  it('refuses a month 13, a February 30, a non-leap February 29 and other shapes, naming the flag', () => {
    for (const bad of [
      '2026-13-45',
      '2026-02-30',
      '2026-02-29',
      '2026-00-10',
      '2026-1-5',
      '26-01-05',
      'today',
    ]) {
      expect(() => resolveConfig(spec, { date: bad }, {}), bad).toThrow(
        new RegExp(`--date: expected a calendar date YYYY-MM-DD, got "${bad}"`),
      );
    }
  });
});
