export { buildEncoderFeed, buildTokenFeed } from './feed.js';
export type { EncoderFeed, ModelInput, TokenFeed } from './feed.js';
export { countParameters, paramSpecs } from './params.js';
export type { ParamSpec } from './params.js';
export { CounterRng, hashKey } from './counter-rng.js';
export { decodeText, encodeText, EOS_ID } from './tokenizer.js';
export { mirrorPrepared, prepareImage } from './image-features.js';
export type { PreparedImage } from './image-features.js';
