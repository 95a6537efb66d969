/**
 * TAK Protocol Version 1: stream and mesh framing, TakMessage encode/decode, and the detail split.
 * See docs/codecs.md for the rules and error codes.
 */
export { TakStreamFramer, frameStream, frameMesh, parseMesh, MAGIC } from './framing.js';
export {
  decodeTakMessage,
  encodeTakMessage,
  encodeTakStream,
  type TakControl,
  type TakMessage,
} from './message.js';
export { splitDetail, joinDetail, type TypedDetail, type SplitDetail } from './detail-map.js';
