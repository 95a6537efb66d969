/**
 * Entities drawn straight with WebGL: one textured quad per entity, instanced, from an atlas holding one
 * milsymbol image per symbol code. Positions live in a typed array updated in place, so an update costs
 * O(changed entities) and nothing is re-tiled: with a GeoJSON source every diff re-tiled the whole picture in
 * MapLibre's worker (about 2.5 s per diff for 20,000 entities on the shared bench machine, docs/cop.md).
 */
import {
  MercatorCoordinate,
  type CustomLayerInterface,
  type CustomRenderMethodInput,
  type Map as MlMap,
} from 'maplibre-gl';
import ms from 'milsymbol';
import { affiliationOfSidc } from '../../src/model/symbol.js';
import { FS, VS } from './entity-shaders.js';

/**
 * Floats per vertex: mercator x, y; corner x, y (0/1); atlas x, y, w, h (atlas pixels); anchor x, y (atlas
 * pixels); kind. Four vertices per entity (a quad, two indexed triangles), one slot per entity.
 */
const VERTEX = 11;
const SLOT = VERTEX * 4;
const CORNERS = [0, 0, 1, 0, 0, 1, 1, 1];
/**
 * Dense overview: with more than this many entities and the map zoomed out below DOTS_BELOW_ZOOM, entities are
 * drawn as 6 px squares in their frame's fill colour (friend blue, hostile red, neutral green, unknown yellow,
 * stale grey). Thousands of overlapping symbols are unreadable there anyway, and in software WebGL their pixels
 * are what a frame costs; zooming in brings the symbols back.
 */
export const DOTS_ABOVE = 5000;
export const DOTS_BELOW_ZOOM = 7;
const KIND: Record<string, number> = { friend: 0, hostile: 1, neutral: 2, unknown: 3 };
const ATLAS = 2048;
/** Symbols are drawn at this milsymbol size and pixel ratio, then scaled by zoom. */
const SIZE = 28;
const RATIO = 2;
const STALE_COLOR = '#8a8a8a';

interface Sprite {
  x: number;
  y: number;
  w: number;
  h: number;
  ax: number;
  ay: number;
}

/** Icon scale by zoom: small at overview (less clutter, fewer pixels), full size from zoom 9. */
export function iconScale(zoom: number): number {
  const t = Math.min(1, Math.max(0, (zoom - 4) / 5));
  return (0.45 + 0.55 * t) / RATIO;
}

export class EntityLayer implements CustomLayerInterface {
  readonly id = 'entities-gl';
  readonly type = 'custom' as const;
  readonly renderingMode = '2d' as const;
  private map!: MlMap;
  private gl!: WebGL2RenderingContext;
  private program!: WebGLProgram;
  private vao!: WebGLVertexArrayObject;
  /** Reads only the first vertex of every quad: the dense overview's points. */
  private pointsVao!: WebGLVertexArrayObject;
  private vertices!: WebGLBuffer;
  private indices!: WebGLBuffer;
  /** Slots the GPU buffers hold (their capacity), and the dirty slot range still to upload. */
  private gpuSlots = 0;
  private dirtyLo = Infinity;
  private dirtyHi = -1;
  private texture!: WebGLTexture;
  private readonly atlas: HTMLCanvasElement;
  private readonly atlasCtx: CanvasRenderingContext2D;
  private shelf = { x: 0, y: 0, h: 0 };
  private atlasDirty = true;
  private readonly sprites = new Map<string, Sprite>();
  private data = new Float32Array(1024 * SLOT);
  /** lon, lat per slot, for hit testing. */
  private lonLat = new Float64Array(1024 * 2);
  private readonly slots = new Map<string, number>();
  private readonly uidOf: (string | undefined)[] = [];
  private readonly sidcOf: string[] = [];
  private readonly free: number[] = [];
  private count = 0;
  private dataDirty = false;
  private u: Record<string, WebGLUniformLocation | null> = {};

  constructor() {
    this.atlas = document.createElement('canvas');
    this.atlas.width = ATLAS;
    this.atlas.height = ATLAS;
    this.atlasCtx = this.atlas.getContext('2d', { willReadFrequently: false })!;
  }

  /** Place or move an entity. */
  set(uid: string, lon: number, lat: number, sidc: string, stale: boolean): void {
    let slot = this.slots.get(uid);
    if (slot === undefined) {
      slot = this.free.pop() ?? this.count++;
      this.slots.set(uid, slot);
      this.uidOf[slot] = uid;
      this.grow(this.count);
    }
    const key = stale ? `${sidc}|stale` : sidc;
    const s = this.sprite(key, sidc, stale);
    const m = MercatorCoordinate.fromLngLat([lon, lat]);
    const kind = KIND[affiliationOfSidc(sidc)]! + (stale ? 4 : 0);
    const d = this.data;
    for (let v = 0, o = slot * SLOT; v < 4; v++, o += VERTEX) {
      d[o] = m.x;
      d[o + 1] = m.y;
      d[o + 2] = CORNERS[v * 2]!;
      d[o + 3] = CORNERS[v * 2 + 1]!;
      d[o + 4] = s.x;
      d[o + 5] = s.y;
      d[o + 6] = s.w;
      d[o + 7] = s.h;
      d[o + 8] = s.ax;
      d[o + 9] = s.ay;
      d[o + 10] = kind;
    }
    this.markDirty(slot);
    this.lonLat[slot * 2] = lon;
    this.lonLat[slot * 2 + 1] = lat;
    this.sidcOf[slot] = key;
    this.dataDirty = true;
  }

  remove(uid: string): void {
    const slot = this.slots.get(uid);
    if (slot === undefined) return;
    this.slots.delete(uid);
    this.uidOf[slot] = undefined;
    this.data.fill(0, slot * SLOT, slot * SLOT + SLOT); // zero-size quad: draws nothing
    this.free.push(slot);
    this.markDirty(slot);
  }

  /** What is drawn for `uid` (tests and the bench read it). */
  info(uid: string): { lon: number; lat: number; sidc: string } | undefined {
    const slot = this.slots.get(uid);
    if (slot === undefined) return undefined;
    return { lon: this.lonLat[slot * 2]!, lat: this.lonLat[slot * 2 + 1]!, sidc: this.sidcOf[slot]! };
  }

  get size(): number {
    return this.slots.size;
  }

  /** The entity drawn nearest to screen point (x, y), within `radius` pixels. */
  hit(x: number, y: number, radius = 16): string | undefined {
    let best: string | undefined;
    let bestD = radius * radius;
    const b = this.map.getBounds();
    for (const [uid, slot] of this.slots) {
      const lon = this.lonLat[slot * 2]!;
      const lat = this.lonLat[slot * 2 + 1]!;
      if (!b.contains([lon, lat])) continue;
      const p = this.map.project([lon, lat]);
      const d = (p.x - x) ** 2 + (p.y - y) ** 2;
      if (d < bestD) {
        bestD = d;
        best = uid;
      }
    }
    return best;
  }

  onAdd(map: MlMap, gl: WebGLRenderingContext | WebGL2RenderingContext): void {
    this.map = map;
    const g = gl as WebGL2RenderingContext;
    this.gl = g;
    const shader = (type: number, src: string) => {
      const s = g.createShader(type)!;
      g.shaderSource(s, src);
      g.compileShader(s);
      if (!g.getShaderParameter(s, g.COMPILE_STATUS))
        throw new Error(`entity shader: ${g.getShaderInfoLog(s)}`);
      return s;
    };
    const p = g.createProgram()!;
    g.attachShader(p, shader(g.VERTEX_SHADER, VS));
    g.attachShader(p, shader(g.FRAGMENT_SHADER, FS));
    g.linkProgram(p);
    if (!g.getProgramParameter(p, g.LINK_STATUS))
      throw new Error(`entity program: ${g.getProgramInfoLog(p)}`);
    this.program = p;
    for (const n of ['u_matrix', 'u_viewport', 'u_atlas', 'u_scale', 'u_tex', 'u_dots'])
      this.u[n] = g.getUniformLocation(p, n);
    this.vao = g.createVertexArray()!;
    g.bindVertexArray(this.vao);
    this.vertices = g.createBuffer()!;
    g.bindBuffer(g.ARRAY_BUFFER, this.vertices);
    const attr = (name: string, size: number, offset: number) => {
      const loc = g.getAttribLocation(p, name);
      g.enableVertexAttribArray(loc);
      g.vertexAttribPointer(loc, size, g.FLOAT, false, VERTEX * 4, offset * 4);
    };
    attr('a_pos', 2, 0);
    attr('a_corner', 2, 2);
    attr('a_rect', 4, 4);
    attr('a_anchor', 2, 8);
    attr('a_kind', 1, 10);
    this.indices = g.createBuffer()!;
    g.bindBuffer(g.ELEMENT_ARRAY_BUFFER, this.indices);
    this.pointsVao = g.createVertexArray()!;
    g.bindVertexArray(this.pointsVao);
    for (const [name, size, offset] of [
      ['a_pos', 2, 0],
      ['a_rect', 4, 4],
      ['a_kind', 1, 10],
    ] as const) {
      const loc = g.getAttribLocation(p, name);
      g.enableVertexAttribArray(loc);
      g.vertexAttribPointer(loc, size, g.FLOAT, false, SLOT * 4, offset * 4);
    }
    g.bindVertexArray(null);
    this.texture = g.createTexture()!;
    this.dataDirty = true;
  }

  render(gl: WebGLRenderingContext | WebGL2RenderingContext, args: CustomRenderMethodInput): void {
    const g = gl as WebGL2RenderingContext;
    if (this.count === 0) return;
    g.useProgram(this.program);
    g.bindVertexArray(this.vao);
    g.activeTexture(g.TEXTURE0);
    g.bindTexture(g.TEXTURE_2D, this.texture);
    if (this.atlasDirty) {
      g.pixelStorei(g.UNPACK_PREMULTIPLY_ALPHA_WEBGL, true);
      g.texImage2D(g.TEXTURE_2D, 0, g.RGBA, g.RGBA, g.UNSIGNED_BYTE, this.atlas);
      g.pixelStorei(g.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
      g.texParameteri(g.TEXTURE_2D, g.TEXTURE_MIN_FILTER, g.LINEAR);
      g.texParameteri(g.TEXTURE_2D, g.TEXTURE_MAG_FILTER, g.LINEAR);
      g.texParameteri(g.TEXTURE_2D, g.TEXTURE_WRAP_S, g.CLAMP_TO_EDGE);
      g.texParameteri(g.TEXTURE_2D, g.TEXTURE_WRAP_T, g.CLAMP_TO_EDGE);
      this.atlasDirty = false;
    }
    if (this.dataDirty) this.upload(g);
    const matrix = (args.defaultProjectionData?.mainMatrix ?? args.modelViewProjectionMatrix) as
      Float32Array | number[];
    g.uniformMatrix4fv(this.u.u_matrix!, false, matrix as Float32Array);
    const c = this.map.getCanvas();
    g.uniform2f(this.u.u_viewport!, c.clientWidth, c.clientHeight);
    g.uniform2f(this.u.u_atlas!, ATLAS, ATLAS);
    g.uniform1f(this.u.u_scale!, iconScale(this.map.getZoom()));
    g.uniform1i(this.u.u_tex!, 0);
    g.uniform1f(this.u.u_dots!, this.dots ? 1 : 0);
    g.enable(g.BLEND);
    g.blendFunc(g.ONE, g.ONE_MINUS_SRC_ALPHA);
    if (this.dots) {
      g.bindVertexArray(this.pointsVao);
      g.drawArrays(g.POINTS, 0, this.count);
    } else {
      g.drawElements(g.TRIANGLES, this.count * 6, g.UNSIGNED_INT, 0);
    }
    g.bindVertexArray(null);
  }

  /** True while the dense-overview dots are drawn instead of symbols. */
  get dots(): boolean {
    return this.slots.size > DOTS_ABOVE && this.map.getZoom() < DOTS_BELOW_ZOOM;
  }

  /** Upload needed: the map should repaint. */
  get dirty(): boolean {
    return this.dataDirty || this.atlasDirty;
  }

  private markDirty(slot: number): void {
    if (slot < this.dirtyLo) this.dirtyLo = slot;
    if (slot > this.dirtyHi) this.dirtyHi = slot;
    this.dataDirty = true;
  }

  /**
   * Hand the changed slots to the GPU: only the dirty range (bufferSubData) while the buffers are big enough,
   * else the whole capacity once (it doubles, so that is rare) with the quads' indices.
   */
  private upload(g: WebGL2RenderingContext): void {
    const slots = this.data.length / SLOT;
    if (slots !== this.gpuSlots) {
      g.bindBuffer(g.ARRAY_BUFFER, this.vertices);
      g.bufferData(g.ARRAY_BUFFER, this.data, g.DYNAMIC_DRAW);
      const idx = new Uint32Array(slots * 6);
      for (let i = 0, v = 0; i < idx.length; i += 6, v += 4) {
        idx[i] = v;
        idx[i + 1] = v + 1;
        idx[i + 2] = v + 2;
        idx[i + 3] = v + 1;
        idx[i + 4] = v + 3;
        idx[i + 5] = v + 2;
      }
      g.bindBuffer(g.ELEMENT_ARRAY_BUFFER, this.indices); // the VAO is bound: it keeps this binding
      g.bufferData(g.ELEMENT_ARRAY_BUFFER, idx, g.STATIC_DRAW);
      this.gpuSlots = slots;
    } else if (this.dirtyHi >= this.dirtyLo) {
      g.bindBuffer(g.ARRAY_BUFFER, this.vertices);
      const from = this.dirtyLo * SLOT;
      g.bufferSubData(g.ARRAY_BUFFER, from * 4, this.data, from, (this.dirtyHi + 1) * SLOT - from);
    }
    this.dirtyLo = Infinity;
    this.dirtyHi = -1;
    this.dataDirty = false;
  }

  private grow(n: number): void {
    if (n * SLOT <= this.data.length) return;
    const d = new Float32Array(Math.max(n, (this.data.length / SLOT) * 2) * SLOT);
    d.set(this.data);
    this.data = d;
    const ll = new Float64Array((d.length / SLOT) * 2);
    ll.set(this.lonLat);
    this.lonLat = ll;
  }

  /** The atlas rectangle of a code, drawing it on first use (shelf packing; unknown frame when the atlas is full). */
  private sprite(key: string, sidc: string, stale: boolean): Sprite {
    const hit = this.sprites.get(key);
    if (hit) return hit;
    const sym = new ms.Symbol(sidc, {
      size: SIZE * RATIO,
      ...(stale ? { monoColor: STALE_COLOR, fillOpacity: 0.4 } : {}),
    });
    const canvas = sym.asCanvas();
    const w = Math.ceil(canvas.width) + 2;
    const h = Math.ceil(canvas.height) + 2;
    if (this.shelf.x + w > ATLAS) this.shelf = { x: 0, y: this.shelf.y + this.shelf.h, h: 0 };
    if (this.shelf.y + h > ATLAS) {
      return key === 'SUZP-----------'
        ? { x: 0, y: 0, w: 0, h: 0, ax: 0, ay: 0 }
        : this.sprite('SUZP-----------', 'SUZP-----------', false);
    }
    const x = this.shelf.x + 1;
    const y = this.shelf.y + 1;
    this.atlasCtx.drawImage(canvas, x, y);
    this.shelf.x += w;
    this.shelf.h = Math.max(this.shelf.h, h);
    const a = sym.getAnchor();
    const s: Sprite = { x, y, w: canvas.width, h: canvas.height, ax: a.x, ay: a.y };
    this.sprites.set(key, s);
    this.atlasDirty = true;
    return s;
  }
}
