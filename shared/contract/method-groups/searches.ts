import { z } from 'zod';
import { SavedSearch, SavedSearchKind, SavedSearchName, SavedSearchQuery, SavedSearchRun, SavedSearchView } from '../../model/saved-searches';
import { write } from '../access';
import { EnvId, StreamName } from './common';

/** A name as given to look a search up (any case; the store trims). */
const NameRef = z.string().min(1).max(200);

/**
 * Saved and shared searches (issue 20), kept in the environment's Redis. Anyone may list and run
 * them; saving and deleting change what the team shares, so they need an operator (like silences)
 * and are refused on a read-only environment outside write mode. The store writes their team audit
 * entry in the same script as the change (`team: false` here, like silences). `searches.recordRun`
 * is a read: the count a run found is recorded by whoever ran it, a viewer too, and not audited.
 */
export const searchMethods = {
  'searches.list': {
    params: z.object({ envId: EnvId, kind: SavedSearchKind.optional() }).strict(),
    result: z.object({ envId: z.string(), readOnly: z.boolean(), searches: z.array(SavedSearchView) }),
  },
  'searches.save': write({
    params: z.object({ envId: EnvId, name: SavedSearchName, query: SavedSearchQuery, description: z.string().max(1000).optional(), overwrite: z.boolean().default(false) }).strict(),
    result: SavedSearch,
    access: 'operator',
    audit: { action: 'search.save', target: (p) => `saved search ${p.name}`, detail: (r, p) => ({ name: r.name, kind: r.query.kind, overwrite: p.overwrite }), team: false },
  }),
  'searches.delete': write({
    params: z.object({ envId: EnvId, name: NameRef }).strict(),
    result: SavedSearch,
    access: 'operator',
    audit: { action: 'search.delete', target: (p) => `saved search ${p.name}`, detail: (r) => ({ name: r.name, kind: r.query?.kind }), team: false },
  }),
  /** Records what a run of the version saved at `updatedAt` found; `recorded` false when it was saved again meanwhile or a later run is recorded. */
  'searches.recordRun': {
    params: z.object({ envId: EnvId, name: NameRef, updatedAt: z.number().int(), count: z.number().int().min(0), isComplete: z.boolean(), source: StreamName.optional() }).strict(),
    result: z.object({ recorded: z.boolean(), lastRun: SavedSearchRun.nullable() }),
  },
} as const;
