/**
 * The HTTP API: routes with JSON schemas (Fastify validates requests against them,
 * serialises replies by them, and @fastify/swagger turns them into /openapi.json).
 * Every number comes from evaluate's code: recommendations through the micro-batcher's
 * recommendMany, pair scores from the scorer `recommend` loads, similar items from
 * similarItems over the model's item representation.
 */
import type { FastifyInstance } from 'fastify';
import { namedItems, similarItems, userRecommendations } from '@deeprec/evaluate';
import { ERROR_SCHEMA, RequestError } from './errors';
import type { ModelSet } from './models';

export interface ApiLimits {
  /** Largest k of /v1/recommend and /v1/similar. */
  maxK: number;
  /** Most pairs in one /v1/score body. */
  maxPairs: number;
}

const ITEMS = {
  type: 'array',
  items: {
    type: 'object',
    required: ['rank', 'item', 'score'],
    properties: { rank: { type: 'integer' }, item: { type: 'string' }, title: { type: 'string' }, score: { type: 'number' } },
  },
} as const;
const HASH = { type: 'string', description: 'hash of the artifact files the answer was computed from (as in /v1/models)' } as const;
const errors = { 400: ERROR_SCHEMA, 404: ERROR_SCHEMA } as const;

function modelParam(names: string[]) {
  return { type: 'string', minLength: 1, description: `a served model: ${names.join(', ')}${names.length === 1 ? ' (the default)' : ''}` } as const;
}

function kParam(maxK: number) {
  return { type: 'integer', minimum: 1, maximum: maxK, default: 10, description: `items in the list, 1-${maxK}` } as const;
}

interface RecommendQuery {
  model?: string;
  user: string;
  k: number;
}
interface SimilarQuery {
  model?: string;
  item: string;
  k: number;
}
interface ScoreBody {
  model?: string;
  pairs: Array<{ user: string; item: string }>;
}

export function registerRoutes(app: FastifyInstance, models: ModelSet, limits: ApiLimits): void {
  const names = models.names;
  /** The model a request names, or the only one served. */
  const modelOf = (name: string | undefined): string => {
    if (name === undefined) {
      if (names.length === 1) return names[0] as string;
      throw new RequestError(400, 'model', `model: expected one of ${names.join(', ')}, found none`);
    }
    if (!models.has(name)) throw new RequestError(404, 'model', `model: no model '${name}' is served; expected one of: ${names.join(', ')}`);
    return name;
  };

  app.get<{ Querystring: RecommendQuery }>(
    '/v1/recommend',
    {
      schema: {
        summary: "A user's top-k items they have not rated in training",
        description: 'Raw ids, titles when the data has them, scores as the model outputs them. A user without training data gets the most popular items (fallback: true, scores are interaction counts). Concurrent requests are scored together.',
        querystring: {
          type: 'object',
          required: ['user'],
          additionalProperties: false,
          properties: { model: modelParam(names), user: { type: 'string', minLength: 1, description: "raw user id (users.arrow 'id')" }, k: kParam(limits.maxK) },
        },
        response: {
          200: {
            type: 'object',
            required: ['user', 'model', 'k', 'fallback', 'items', 'hash'],
            properties: { user: { type: 'string' }, model: { type: 'string' }, k: { type: 'integer' }, fallback: { type: 'boolean' }, items: ITEMS, hash: HASH },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const { user, k } = request.query;
      return models.use(modelOf(request.query.model), async (v) => ({
        ...userRecommendations(v.rec, user, k, await v.batcher.recommend(v.rec.userIndex(user), k)),
        hash: v.hash,
      }));
    },
  );

  app.post<{ Body: ScoreBody }>(
    '/v1/score',
    {
      schema: {
        summary: 'Scores of user-item pairs',
        description: 'The model\'s raw output for each pair, in order (a predicted rating for explicit data, a ranking score for implicit data), as evaluate scores them.',
        body: {
          type: 'object',
          required: ['pairs'],
          additionalProperties: false,
          properties: {
            model: modelParam(names),
            pairs: {
              type: 'array',
              minItems: 1,
              maxItems: limits.maxPairs,
              items: {
                type: 'object',
                required: ['user', 'item'],
                additionalProperties: false,
                properties: { user: { type: 'string', minLength: 1 }, item: { type: 'string', minLength: 1 } },
              },
            },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['model', 'hash', 'scores'],
            properties: {
              model: { type: 'string' },
              hash: HASH,
              scores: { type: 'array', items: { type: 'object', required: ['user', 'item', 'score'], properties: { user: { type: 'string' }, item: { type: 'string' }, score: { type: 'number' } } } },
            },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const { pairs } = request.body;
      const name = modelOf(request.body.model);
      return models.use(name, (v) => {
        const users = new Int32Array(pairs.length);
        const items = new Int32Array(pairs.length);
        pairs.forEach((p, j) => {
          const u = v.rec.userIndex(p.user);
          const i = v.rec.itemIndex(p.item);
          if (u === undefined) throw new RequestError(404, `pairs/${j}/user`, `pairs/${j}/user: no user '${p.user}' in the training data of ${name}`);
          if (i === undefined) throw new RequestError(404, `pairs/${j}/item`, `pairs/${j}/item: no item '${p.item}' in the data of ${name}`);
          users[j] = u;
          items[j] = i;
        });
        const scores = v.rec.scorer.pairs(users, items);
        return { model: name, hash: v.hash, scores: pairs.map((p, j) => ({ user: p.user, item: p.item, score: scores[j] as number })) };
      });
    },
  );

  app.get<{ Querystring: SimilarQuery }>(
    '/v1/similar',
    {
      schema: {
        summary: 'The items nearest to an item by the model\'s item representation',
        description: 'Cosine similarity of item embeddings (networks: their item tables; lightgcn ego + propagated; the autoencoders\' item codes or output rows) or item factors (ials, puresvd, svdpp); the item-item weights of itemknn, rp3beta and ease as they are. Models without an item representation answer 400.',
        querystring: {
          type: 'object',
          required: ['item'],
          additionalProperties: false,
          properties: { model: modelParam(names), item: { type: 'string', minLength: 1, description: "raw item id (items.arrow 'id')" }, k: kParam(limits.maxK) },
        },
        response: {
          200: {
            type: 'object',
            required: ['model', 'item', 'k', 'measure', 'items', 'hash'],
            properties: { model: { type: 'string' }, item: { type: 'string' }, title: { type: 'string' }, k: { type: 'integer' }, measure: { type: 'string' }, items: ITEMS, hash: HASH },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const { item, k } = request.query;
      const name = modelOf(request.query.model);
      return models.use(name, (v) => {
        const representation = v.rec.scorer.items();
        if (!representation) {
          throw new RequestError(400, 'model', `model: ${name} (${v.type}) has no item representation (item embeddings, item factors or item-item weights); /v1/similar needs one`);
        }
        const i = v.rec.itemIndex(item);
        if (i === undefined) throw new RequestError(404, 'item', `item: no item '${item}' in the data of ${name}`);
        const near = similarItems(representation, v.rec.data.numItems, i, k);
        const title = v.rec.titles?.[i];
        return { model: name, item, ...(title !== undefined ? { title } : {}), k, measure: representation.source, items: namedItems(v.rec, near), hash: v.hash };
      });
    },
  );

  app.get(
    '/v1/models',
    {
      schema: {
        summary: 'The served models and the hash of the artifacts each serves',
        response: {
          200: {
            type: 'object',
            required: ['models'],
            properties: {
              models: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['name', 'type', 'hash', 'loadedAt', 'users', 'items', 'similar', 'batching'],
                  properties: {
                    name: { type: 'string' },
                    type: { type: 'string' },
                    hash: HASH,
                    loadedAt: { type: 'string', description: 'when this version was loaded (ISO 8601)' },
                    users: { type: 'integer' },
                    items: { type: 'integer' },
                    similar: { type: 'boolean', description: 'whether /v1/similar works for it' },
                    batching: {
                      type: 'object',
                      description: 'micro-batching of /v1/recommend for this version: batched calls, requests in them, the largest batch, requests waiting now',
                      required: ['batches', 'requests', 'largest', 'waiting'],
                      properties: { batches: { type: 'integer' }, requests: { type: 'integer' }, largest: { type: 'integer' }, waiting: { type: 'integer' } },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    async () => ({
      models: models.versions().map((v) => ({
        name: v.name,
        type: v.type,
        hash: v.hash,
        loadedAt: v.loadedAt,
        users: v.rec.userIds.length,
        items: v.rec.itemIds.length,
        similar: v.similar,
        batching: { ...v.batcher.stats, waiting: v.batcher.waiting },
      })),
    }),
  );

  app.get(
    '/healthz',
    { schema: { summary: 'Liveness: 200 while the server accepts requests', response: { 200: { type: 'object', required: ['status'], properties: { status: { type: 'string' } } } } } },
    async () => ({ status: 'ok' }),
  );
}
