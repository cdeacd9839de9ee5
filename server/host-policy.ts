// Which Host and Origin headers this server answers. Pure decisions; server/host-guard.ts applies them.
//
// Why: a page on another site can make the operator's browser talk to 127.0.0.1. With DNS rebinding
// (evil.example resolving to 127.0.0.1) its requests are "same origin" to the browser and carry
// `Host: evil.example:3000`; refusing unknown Host names stops that, token or not. A WebSocket is not covered by
// CORS at all, so its upgrade must also come from our own origin (or carry no Origin: a non-browser client).

export interface HostPolicyOptions {
  /** The address the server binds (`--host`). */
  bindHost: string;
  /** The URL operators and browsers use, behind a proxy (`--public-url`); its host and origin are allowed. */
  publicUrl: string | null;
  /** Extra names, `name` (any port) or `name:port` (`--allowed-host`). */
  allowedHosts: readonly string[];
  /** Extra origins allowed to open the live socket (`--allowed-origin`), e.g. a dev server. */
  allowedOrigins: readonly string[];
}

/** The connection the request arrived on; both are unknown for in-process `inject()` requests (no socket). */
export interface LocalEndpoint {
  address?: string;
  port?: number;
}

export interface HostPolicy {
  /** Why this Host header is refused, or null when it names this server. */
  hostProblem(host: string | undefined, local: LocalEndpoint): string | null;
  /** Why a WebSocket upgrade with this Origin is refused, or null (no Origin is fine: not a browser). */
  originProblem(origin: string | undefined, host: string | undefined): string | null;
}

/** `name`, `1.2.3.4` or `[::1]`, then an optional `:port`. Nothing else belongs in a Host header. */
const AUTHORITY = /^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::(\d{1,5}))?$/i;

interface Authority {
  /** Lower case; IPv6 in brackets. */
  name: string;
  /** null when the header gave none. */
  port: number | null;
}

export function parseAuthority(text: string): Authority | null {
  const match = AUTHORITY.exec(text.trim());
  if (!match?.[1]) return null;
  const port = match[2] === undefined ? null : Number(match[2]);
  if (port !== null && port > 65535) return null;
  return { name: match[1].toLowerCase(), port };
}

/** How an address is written in a Host header: IPv6 in brackets, IPv4-mapped IPv6 as plain IPv4. */
function hostNameOf(address: string): string {
  const bare = address.replace(/^\[|\]$/g, '').toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(bare);
  if (mapped?.[1]) return mapped[1];
  return bare.includes(':') ? `[${bare}]` : bare;
}

/** `http://x.example:80/` → `http://x.example` (the form browsers send), or null when it is not an http(s) URL. */
export function normalOrigin(text: string): string | null {
  try {
    const url = new URL(text.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin.toLowerCase();
  } catch {
    return null;
  }
}

/** A Host header as URL.host writes it (default port dropped), or null when it is not one. */
function authorityOfHost(host: string): string | null {
  try {
    return new URL(`http://${host.trim()}`).host;
  } catch {
    return null;
  }
}

export function createHostPolicy(options: HostPolicyOptions): HostPolicy {
  // Names that only count on our own port: a name of this machine with another port is another service.
  const localNames = new Set(['127.0.0.1', 'localhost', '[::1]', hostNameOf(options.bindHost)]);
  // Configured names: without a port, any port (a proxy may or may not forward one).
  const configured: Authority[] = [];
  for (const entry of options.allowedHosts) {
    const parsed = parseAuthority(entry);
    if (parsed) configured.push(parsed);
  }
  const origins = new Set<string>();
  for (const entry of options.allowedOrigins) {
    const origin = normalOrigin(entry);
    if (origin) origins.add(origin);
  }
  if (options.publicUrl !== null) {
    const origin = normalOrigin(options.publicUrl);
    if (origin) {
      origins.add(origin);
      // URL.host drops the scheme's default port, so `https://dash.example` allows any port of that name.
      const parsed = parseAuthority(new URL(origin).host);
      if (parsed) configured.push(parsed);
    }
  }

  function hostProblem(host: string | undefined, local: LocalEndpoint): string | null {
    const advice = 'add the name with --allowed-host or --public-url if it is really this server';
    if (host === undefined || host === '') return `a Host header is required (${advice})`;
    const parsed = parseAuthority(host);
    if (parsed === null) return `Host "${host}" is not a valid host name`;
    // No port in the header means the scheme's default; plain HTTP here.
    const port = parsed.port ?? 80;
    const names = new Set(localNames);
    // The address the client connected to, as an IP literal: no DNS involved, so no rebinding.
    if (local.address !== undefined) names.add(hostNameOf(local.address));
    if (names.has(parsed.name) && (local.port === undefined || port === local.port)) return null;
    for (const entry of configured) {
      if (entry.name === parsed.name && (entry.port === null || entry.port === port)) return null;
    }
    return `Host "${host}" is not a name of this server (${advice})`;
  }

  function originProblem(origin: string | undefined, host: string | undefined): string | null {
    if (origin === undefined) return null;
    const normal = normalOrigin(origin);
    if (normal === null) return `Origin "${origin}" may not open the live socket or change anything`;
    // Same origin as the (already checked) Host; the scheme may differ behind a TLS-terminating proxy.
    if (host !== undefined && new URL(normal).host === authorityOfHost(host)) return null;
    if (origins.has(normal)) return null;
    return `Origin "${origin}" may not open the live socket or change anything (allow it with --allowed-origin)`;
  }

  return { hostProblem, originProblem };
}

/**
 * The policy for options that can change while the server runs (a config reload's publicUrl): built again when
 * they differ from the last ones, so a new public name is answered and an old one refused without a restart.
 */
export function followHostPolicy(current: () => HostPolicyOptions): HostPolicy {
  let built: { options: HostPolicyOptions; policy: HostPolicy } | null = null;
  // Asked per request: compared field by field (the lists are the config's own arrays, kept as they are).
  const same = (a: HostPolicyOptions, b: HostPolicyOptions): boolean =>
    a.bindHost === b.bindHost &&
    a.publicUrl === b.publicUrl &&
    a.allowedHosts === b.allowedHosts &&
    a.allowedOrigins === b.allowedOrigins;
  const now = (): HostPolicy => {
    const options = current();
    if (built === null || !same(built.options, options)) built = { options, policy: createHostPolicy(options) };
    return built.policy;
  };
  return {
    hostProblem: (host, local) => now().hostProblem(host, local),
    originProblem: (origin, host) => now().originProblem(origin, host),
  };
}
