// Matching a request path against an emulator's route table. Patterns are Express-like: literal segments
// (compared case-insensitively, as ARM and GitHub do), `:name` for one segment, and a final `*name` for the
// rest of the path (slashes included). Parameters are percent-decoded per segment.

import type { Emulator, Route } from './emulator.js';

export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'wrongMethod' }
  | { kind: 'none' };

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function matchPattern(pattern: string, segments: string[]): Record<string, string> | undefined {
  const parts = pattern.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (part.startsWith('*')) {
      const rest = segments.slice(i).map(decodeSegment);
      if (rest.length === 0 || rest.some((s) => s === undefined)) return undefined;
      params[part.slice(1)] = rest.join('/');
      return params;
    }
    const segment = segments[i];
    if (segment === undefined) return undefined;
    if (part.startsWith(':')) {
      const value = decodeSegment(segment);
      if (value === undefined || value === '') return undefined;
      params[part.slice(1)] = value;
    } else if (part.toLowerCase() !== segment.toLowerCase()) {
      return undefined;
    }
  }
  return parts.length === segments.length ? params : undefined;
}

/** `rawPath` is the undecoded path below the emulator's mount ('/repos/a/b'). */
export function matchRoute(emulator: Emulator, method: string, rawPath: string): RouteMatch {
  const segments = rawPath.split('/').filter(Boolean);
  let pathMatched = false;
  for (const route of emulator.routes) {
    const params = matchPattern(route.path, segments);
    if (!params) continue;
    if (route.method === method) return { kind: 'found', route, params };
    pathMatched = true;
  }
  return pathMatched ? { kind: 'wrongMethod' } : { kind: 'none' };
}

/** The path with each segment percent-decoded (undecodable segments stay as sent). */
export function decodePath(rawPath: string): string {
  return rawPath
    .split('/')
    .map((s) => decodeSegment(s) ?? s)
    .join('/');
}

/**
 * The emulator with the longest mount that prefixes `path` on a segment boundary. An emulator mounted at the
 * root ('/', ACS Email) only claims the paths its routes know, so other paths stay unmounted.
 */
export function findEmulator(emulators: Emulator[], path: string): Emulator | undefined {
  let best: Emulator | undefined;
  for (const emulator of emulators) {
    const mount = emulator.mount;
    const mounted =
      mount === '/' ? matchRoute(emulator, '', path).kind !== 'none' : path === mount || path.startsWith(mount + '/');
    if (mounted && (!best || mount.length > best.mount.length)) best = emulator;
  }
  return best;
}
