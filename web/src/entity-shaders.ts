/**
 * Shaders of the entity layer (entity-layer.ts). Every entity is a quad of four vertices that all carry the
 * entity's attributes (no instancing: SwiftShader, the software WebGL of GPU-less machines, runs an instanced draw
 * as one small draw per instance, which made 20,000 entities cost about 250 ms a frame). The dense overview draws
 * one point per entity from the first vertex of each quad (a quarter of the vertices).
 */
export const VS = `#version 300 es
uniform mat4 u_matrix;
uniform vec2 u_viewport;
uniform vec2 u_atlas;
uniform float u_scale;
uniform float u_dots;
in vec2 a_pos;
in vec2 a_corner;
in vec4 a_rect;
in vec2 a_anchor;
in float a_kind;
out vec2 v_uv;
out vec4 v_color;
// 2525 frame fill colours: friend, hostile, neutral, unknown; +4 = stale (grey).
const vec3 FILL[4] = vec3[4](vec3(0.5, 0.88, 1.0), vec3(1.0, 0.5, 0.5), vec3(0.67, 1.0, 0.67), vec3(1.0, 1.0, 0.5));
void main() {
  vec4 c = u_matrix * vec4(a_pos, 0.0, 1.0);
  if (u_dots > 0.5) {
    // Dense overview: one 6 px point per entity; a removed slot (zero-size rect) goes outside the clip space.
    gl_Position = a_rect.z > 0.5 ? c : vec4(2.0, 2.0, 2.0, 1.0);
    gl_PointSize = 6.0;
  } else {
    vec2 px = (a_corner * a_rect.zw - a_anchor) * u_scale;
    c.xy += vec2(px.x, -px.y) * 2.0 / u_viewport * c.w;
    gl_Position = c;
  }
  v_uv = (a_rect.xy + a_corner * a_rect.zw) / u_atlas;
  int k = int(a_kind + 0.5);
  v_color = k >= 4 ? vec4(0.55, 0.55, 0.55, 1.0) : vec4(FILL[k], 1.0);
}`;

export const FS = `#version 300 es
precision highp float;
uniform sampler2D u_tex;
uniform float u_dots;
in vec2 v_uv;
in vec4 v_color;
out vec4 color;
void main() {
  color = u_dots > 0.5 ? v_color : texture(u_tex, v_uv);
  if (color.a < 0.01) discard;
}`;
