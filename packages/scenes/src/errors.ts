/** Why a scene could not be rendered or a synthetic source could not be built. */
export type SceneErrorCode = 'invalid-seed' | 'invalid-size' | 'invalid-option' | 'invalid-spec';

/** Thrown on bad options to the scene renderer and the synthetic source; `code` says why. */
export class SceneError extends Error {
  override readonly name = 'SceneError';
  readonly code: SceneErrorCode;

  constructor(code: SceneErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
