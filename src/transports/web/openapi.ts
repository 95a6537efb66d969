/** The OpenAPI 3.1 document of the web REST API, served at /api/openapi.json (docs/api.md explains it in prose). */
import { CLASSIFICATIONS } from '../../model/label.js';

const error = {
  type: 'object',
  required: ['code', 'message'],
  properties: { code: { type: 'string', examples: ['BW_WEB_BAD_QUERY'] }, message: { type: 'string' } },
};

const identity = {
  type: 'object',
  required: ['id', 'clearance', 'groups', 'devMode'],
  properties: {
    id: { type: 'string' },
    nation: { type: 'string', pattern: '^[A-Z]{3}$' },
    clearance: { enum: [...CLASSIFICATIONS] },
    groups: { type: 'array', items: { type: 'string' } },
    devMode: { type: 'boolean' },
  },
};

const label = {
  type: 'object',
  required: ['policy', 'classification', 'categories'],
  properties: {
    policy: { type: 'string' },
    classification: { enum: [...CLASSIFICATIONS] },
    categories: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          tag: { type: 'string' },
          type: { enum: ['PERMISSIVE', 'RESTRICTIVE', 'INFORMATIVE'] },
          values: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
};

const entityProps = {
  type: 'object',
  required: [
    'uid',
    'type',
    'how',
    'time',
    'start',
    'stale',
    'sidc',
    'affiliation',
    'classification',
    'label',
  ],
  properties: {
    uid: { type: 'string' },
    type: { type: 'string', examples: ['a-f-G-U-C-I'] },
    how: { type: 'string' },
    time: { type: 'integer', description: 'epoch ms' },
    start: { type: 'integer' },
    stale: { type: 'integer' },
    hae: { type: 'number', description: 'm above the WGS-84 ellipsoid; 9999999 = unknown' },
    ce: { type: 'number' },
    le: { type: 'number' },
    callsign: { type: 'string' },
    endpoint: { type: 'string' },
    sidc: {
      type: 'string',
      description: 'MIL-STD-2525C letter code (or 2525D/E number when the event carried one)',
    },
    sidcSource: { enum: ['explicit', 'type', 'fallback'] },
    affiliation: { enum: ['friend', 'hostile', 'neutral', 'unknown'] },
    course: { type: 'number' },
    speed: { type: 'number', description: 'm/s' },
    nation: { type: 'string' },
    team: { type: 'object', properties: { name: { type: 'string' }, role: { type: 'string' } } },
    remarks: { type: 'string' },
    parent: { type: 'string' },
    classification: { enum: [...CLASSIFICATIONS] },
    releasableTo: { type: 'array', items: { type: 'string' } },
    caveat: { type: 'string' },
    access: { type: 'string' },
    source: { type: 'string' },
    label,
    detail: {
      type: 'array',
      description: 'only with detail=true',
      items: { type: 'object', properties: { name: { type: 'string' }, xml: { type: 'string' } } },
    },
  },
};

const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });

export function openApiDocument(version: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Baltic Wall web API',
      version,
      description:
        'REST part of the browser API. The live picture is a WebSocket at /api/live (see docs/api.md). Everything ' +
        'returned passes the hub egress gate for the signed-in identity.',
    },
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'bw_session' },
        sessionHttps: {
          type: 'apiKey',
          in: 'cookie',
          name: '__Host-bw_session',
          description: 'the session cookie over HTTPS; a valid client certificate also signs in there',
        },
      },
      schemas: { Error: error, Identity: identity, Label: label, EntityProperties: entityProps },
    },
    security: [{ session: [] }, { sessionHttps: [] }],
    paths: {
      '/api/config': {
        get: {
          summary: 'Page configuration',
          security: [],
          responses: {
            200: json({
              type: 'object',
              properties: {
                hubId: { type: 'string' },
                devMode: { type: 'boolean' },
                tiles: { type: 'string' },
                pmtiles: { type: 'string' },
                basemaps: { type: 'array', items: { type: 'object' } },
                overlays: { type: 'array', items: { type: 'object' } },
              },
            }),
          },
        },
      },
      '/api/login': {
        post: {
          summary: 'Sign in; sets the bw_session cookie (__Host-bw_session over HTTPS)',
          security: [],
          requestBody: json({
            type: 'object',
            required: ['user'],
            properties: {
              user: { type: 'string' },
              password: { type: 'string' },
              nation: { type: 'string', description: 'development mode only' },
              clearance: { enum: [...CLASSIFICATIONS], description: 'development mode only' },
            },
          }),
          responses: {
            200: json({ $ref: '#/components/schemas/Identity' }),
            400: json({ $ref: '#/components/schemas/Error' }),
            401: json({ $ref: '#/components/schemas/Error' }),
          },
        },
      },
      '/api/logout': { post: { summary: 'Sign out', responses: { 204: { description: 'signed out' } } } },
      '/api/session': {
        get: {
          summary: 'The signed-in identity',
          responses: {
            200: json({ $ref: '#/components/schemas/Identity' }),
            401: json({ $ref: '#/components/schemas/Error' }),
          },
        },
      },
      '/api/picture': {
        get: {
          summary: 'Current picture (non-stale latest state) as GeoJSON, gated for the caller',
          parameters: [
            {
              name: 'bbox',
              in: 'query',
              schema: { type: 'string' },
              description: 'west,south,east,north (degrees)',
              example: '20,53,28,60',
            },
            {
              name: 'type',
              in: 'query',
              schema: { type: 'string' },
              description: 'comma-separated CoT type prefixes',
              example: 'a-h,a-u',
            },
            {
              name: 'nation',
              in: 'query',
              schema: { type: 'string' },
              description: 'ISO alpha-3 of the sending nation',
              example: 'LTU',
            },
            {
              name: 'detail',
              in: 'query',
              schema: { type: 'boolean' },
              description: 'include every detail element',
            },
            {
              name: 'limit',
              in: 'query',
              schema: { type: 'integer', minimum: 1, maximum: 200000, default: 50000 },
            },
          ],
          responses: {
            200: {
              content: {
                'application/geo+json': {
                  schema: {
                    type: 'object',
                    required: ['type', 'features'],
                    properties: {
                      type: { const: 'FeatureCollection' },
                      truncated: { type: 'boolean' },
                      features: {
                        type: 'array',
                        items: {
                          type: 'object',
                          properties: {
                            type: { const: 'Feature' },
                            id: { type: 'string' },
                            geometry: {
                              type: 'object',
                              properties: {
                                type: { const: 'Point' },
                                coordinates: { type: 'array', items: { type: 'number' } },
                              },
                            },
                            properties: { $ref: '#/components/schemas/EntityProperties' },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
            400: json({ $ref: '#/components/schemas/Error' }),
            401: json({ $ref: '#/components/schemas/Error' }),
          },
        },
      },
    },
  };
}
