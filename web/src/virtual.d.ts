/** The offline basemap generated at build time by web/basemap/build.ts (see web/vite.config.ts). */
declare module 'virtual:basemap' {
  const basemap: {
    world: GeoJSON.FeatureCollection;
    countries: GeoJSON.FeatureCollection;
    borders: GeoJSON.FeatureCollection;
    labels: GeoJSON.FeatureCollection;
  };
  export default basemap;
}

/** Vite: the URL of a file built as a worker bundle. */
declare module '*?worker&url' {
  const url: string;
  export default url;
}
