/** TAK Server Federation v2 ("fig") codec: messages from fig.proto's field numbers, and Event <-> GeoEvent. */
export * from './wire.js';
export * from './read.js';
export { eventToGeo, geoToEvent, contactDeleteEvent } from './geo.js';
