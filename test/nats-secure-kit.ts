import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createAccount,
  createOperator,
  createUser,
  encodeAccount,
  encodeOperator,
  encodeUser,
  fmtCreds,
} from '@nats-io/jwt';

/** Paths of a test PKI made with openssl: a CA, a server certificate for 127.0.0.1, a client one. */
export interface TestPki {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A second CA that signed nothing here: a client trusting it must refuse the server. */
  otherCa: string;
}

const openssl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: 'pipe' });

/** Makes the certificates in `dir` (EC P-256, valid one day) with Debian's openssl. */
export function makeTestPki(dir: string): TestPki {
  const p = (f: string) => join(dir, f);
  const ca = (name: string) => {
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`], dir);
    openssl(
      [
        'req',
        '-x509',
        '-new',
        '-key',
        `${name}.key`,
        '-days',
        '1',
        '-subj',
        `/CN=${name}`,
        '-out',
        `${name}.pem`,
      ],
      dir,
    );
  };
  const leaf = (name: string, ext: string) => {
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`], dir);
    openssl(['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-out', `${name}.csr`], dir);
    writeFileSync(p(`${name}.ext`), ext);
    openssl(
      [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        '1',
        '-extfile',
        `${name}.ext`,
        '-out',
        `${name}.pem`,
      ],
      dir,
    );
  };
  ca('ca');
  ca('other-ca');
  leaf('server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  leaf('client', 'extendedKeyUsage=clientAuth\n');
  return {
    ca: p('ca.pem'),
    serverCert: p('server.pem'),
    serverKey: p('server.key'),
    clientCert: p('client.pem'),
    clientKey: p('client.key'),
    otherCa: p('other-ca.pem'),
  };
}

const UNLIMITED = { subs: -1, data: -1, payload: -1 };

/** A decentralized (operator/JWT) setup: the server configuration and a user's `.creds` text. */
export interface OperatorSetup {
  serverConfig: string;
  creds: string;
  /** A `.creds` text signed by an account the server does not know. */
  strangerCreds: string;
}

/**
 * An operator, a system account, an application account with JetStream and one user, all JWTs
 * signed here (no nsc needed); the server resolves the accounts from memory (resolver_preload).
 */
export async function makeOperatorSetup(): Promise<OperatorSetup> {
  const operator = createOperator();
  const system = createAccount();
  const app = createAccount();
  const user = createUser();
  const operatorJwt = await encodeOperator('tickflow-test', operator, {
    system_account: system.getPublicKey(),
  });
  const systemJwt = await encodeAccount('SYS', system, {}, { signer: operator });
  const appJwt = await encodeAccount(
    'APP',
    app,
    {
      // Unset limits are 0 (no connections at all); -1 is unlimited.
      limits: {
        ...UNLIMITED,
        imports: -1,
        exports: -1,
        wildcards: true,
        conn: -1,
        leaf: -1,
        disk_storage: -1,
        mem_storage: -1,
        streams: -1,
        consumer: -1,
      },
    },
    { signer: operator },
  );
  const userJwt = await encodeUser('tickflow', user, app, UNLIMITED);
  const stranger = createUser();
  const strangerJwt = await encodeUser('stranger', stranger, createAccount(), UNLIMITED);
  const decoder = new TextDecoder();
  return {
    serverConfig: [
      `operator: ${operatorJwt}`,
      `system_account: ${system.getPublicKey()}`,
      'resolver: MEMORY',
      'resolver_preload: {',
      `  ${system.getPublicKey()}: ${systemJwt}`,
      `  ${app.getPublicKey()}: ${appJwt}`,
      '}',
    ].join('\n'),
    creds: decoder.decode(fmtCreds(userJwt, user)),
    strangerCreds: decoder.decode(fmtCreds(strangerJwt, stranger)),
  };
}
