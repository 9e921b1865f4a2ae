import { lookup as dnsLookup } from 'node:dns';
import { promisify } from 'node:util';
import net, { BlockList } from 'node:net';
import { AppError } from '../shared/errors.ts';

// Loopback, private, link-local (cloud metadata at 169.254.169.254), unique-local, CGNAT and other special ranges.
const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
  ['2001:db8::', 32],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

/** True for addresses a webhook must not reach: the server's own network and the cloud metadata service. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1]!, 'ipv4');
  const family = net.isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) return blocked.check(address, 'ipv6');
  return true;
}

/** The system resolver (getaddrinfo, as http.request uses); tests give names of their own. */
export type Resolver = typeof dnsLookup;

/** Registration-time check: http(s), no credentials, and every address the host resolves to is public. */
export async function assertWebhookUrlAllowed(raw: string, allowPrivate: boolean, resolver: Resolver = dnsLookup): Promise<URL> {
  const lookupAll = promisify(resolver);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('validation_failed', 'The webhook URL is not a URL', { fields: [{ path: 'url', message: 'must be an absolute http(s) URL' }] });
  }
  const refuse = (message: string) => new AppError('validation_failed', `The webhook URL is not allowed: ${message}`, { fields: [{ path: 'url', message }] });
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse('only http and https URLs are allowed');
  if (url.username || url.password) throw refuse('credentials in the URL are not allowed');
  if (allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = net.isIP(host) ? [host] : (await lookupAll(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    throw refuse(`the host ${host} does not resolve`);
  }
  if (addresses.length === 0 || addresses.some(isPrivateAddress)) throw refuse(`the host ${host} resolves to a private, loopback or link-local address`);
  return url;
}

/**
 * A `lookup` for http.request that refuses private addresses at connection time, so a DNS answer
 * that changed since registration (rebinding) cannot reach the internal network.
 */
export function guardedLookup(allowPrivate: boolean, resolver: Resolver = dnsLookup): net.LookupFunction {
  return (hostname, options, callback) => {
    resolver(hostname, { ...options, all: true, verbatim: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as unknown as { address: string; family: number }[];
      const usable = allowPrivate ? list : list.filter((a) => !isPrivateAddress(a.address));
      if (usable.length === 0) {
        return callback(Object.assign(new Error(`refused: ${hostname} resolves to a private address`), { code: 'EPRIVATE' }), '', 0);
      }
      if ((options as { all?: boolean }).all) return (callback as any)(null, usable);
      callback(null, usable[0]!.address, usable[0]!.family);
    });
  };
}
