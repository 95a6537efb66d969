/**
 * `GET /api/federation/links`: the state of every federation link for the COP's links panel, behind the web
 * session (401 without one) and the egress gate (path 'rest'): link state tells who this hub federates with and
 * how much crosses, so it carries a label (docs/federation.md) and only identities the gate releases it to see it.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { egress } from '../hub/gate.js';
import type { Identity } from '../model/identity.js';
import { normalizeLabel, RELEASABLE_TO, type Label } from '../model/label.js';
import type { LinkStatus } from './link.js';

/** The label of link state: NATO RESTRICTED, releasable to this hub's own nation when it has one. */
export function linkStatusLabel(nation: string | undefined): Label {
  return normalizeLabel({
    policy: 'NATO',
    classification: 'RESTRICTED',
    categories: nation ? [{ tag: RELEASABLE_TO, type: 'PERMISSIVE', values: [nation] }] : [],
  });
}

export function registerFederationRoutes(
  app: FastifyInstance,
  deps: {
    identityOf(req: FastifyRequest): Identity | null;
    /** The links, or undefined when federation is off. */
    links(): LinkStatus[] | undefined;
    nation?: string;
  },
): void {
  const label = linkStatusLabel(deps.nation);
  app.get('/api/federation/links', async (req, reply) => {
    const who = deps.identityOf(req);
    if (!who) return reply.code(401).send({ code: 'BW_WEB_AUTH_REQUIRED', message: 'sign in first' });
    const links = deps.links();
    if (!links) return { enabled: false, links: [] };
    // Not released to this identity: it sees no links, as the gate filters every other REST answer.
    const d = egress({ label }, who, 'rest', 'federation-links');
    return { enabled: true, links: d.allow ? links : [] };
  });
}
