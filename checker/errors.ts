/**
 * A check that could not reach a verdict (exit 2): the server would not start,
 * crashed, hung or exited. `sentence` is written for the learner.
 */
export class CouldNotCheck extends Error {
  constructor(
    readonly reason: string,
    readonly sentence: string,
  ) {
    super(sentence);
    this.name = 'CouldNotCheck';
  }
}

/** The command line named something that is not there (exit 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}
