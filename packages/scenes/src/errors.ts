import { SsrlError } from '@spatial-ssrl/spec';

/** Why a scene could not be rendered or a synthetic source could not be built. */
export type SceneErrorCode = 'invalid-seed' | 'invalid-size' | 'invalid-option' | 'invalid-spec' | 'invalid-layout';

/** Thrown on bad options to the scene renderer and the synthetic source; `code` says why. */
export class SceneError extends SsrlError<SceneErrorCode> {}
