/**
 * A check that could not reach a verdict (exit 2): the server would not start,
 * crashed, hung or exited. `sentence` is written for the learner.
 */
/**
 * Why a check or a probe could not be made, one of a closed set: code that
 * acts on a reason (a hung request is told from a crash) compares these, and
 * the compiler holds every comparison to a reason that exists.
 */
export type CouldNotCheckReason =
  // The server's file: it cannot be loaded or run as a check runs it.
  | 'does not compile'
  | 'bad encoding'
  | 'failed to start'
  | 'hung at start'
  | 'no app exported'
  | 'listens on its own port'
  // The server while it handles traffic.
  | 'crashed'
  | 'exited'
  | 'out of memory'
  | 'stopped'
  | 'server errors'
  | 'request hung'
  | 'connections left open'
  | 'connection failed'
  | 'not responding'
  | 'process busy'
  // The machine or the checker.
  | 'disk full'
  | 'not measurable here'
  | 'harness error'
  // The probe's --attach to a running service.
  | 'cannot attach'
  | 'detached'
  | 'inspector error';

export class CouldNotCheck extends Error {
  constructor(
    readonly reason: CouldNotCheckReason,
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
