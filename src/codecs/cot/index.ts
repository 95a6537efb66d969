/**
 * CoT XML codec: streaming framer, decoder, encoder, detail helpers and TAK protocol negotiation events.
 * See docs/codecs.md for the formats, limits and error codes.
 */
export { CotFramer } from './framer.js';
export { decodeCot, decodeUtf8, DEFAULT_MAX_EVENT_BYTES } from './decode.js';
export { COT_DECLARATION, encodeCot, encodeCotStream } from './encode.js';
export { deriveDetail, deriveDetailWith, scanDetailXml, setDetailElement } from './detail.js';
export { escapeXml, readAttributes, parseElement, MAX_DEPTH, type XmlNode } from './xml-scan.js';
export { newCotMemo, type CotMemo } from './memo.js';
export { parseDecimal, formatNumber, parseTime, formatTime } from './values.js';
export {
  buildProtocolSupport,
  buildProtocolResponse,
  readProtocolRequest,
  buildPong,
  buildRefusal,
} from './negotiation.js';
