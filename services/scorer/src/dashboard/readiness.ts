import type { RequestHandler } from 'express';

/** What `/readyz` checks; every part given must be true for the scorer to take traffic. */
export interface Readiness {
  consumerJoined: boolean;
  modelLoaded: boolean;
  brokerReachable: boolean;
  /**
   * The member owns input partitions, or owns none only because the group has more members than partitions.
   * False after a join that left it with nothing. Left out, it is not checked.
   */
  assigned?: boolean;
  /** The state of the partitions owned is in place (false while restoring); left out, it is not checked. */
  restored?: boolean;
  /** The member has caught up with its partitions after an assignment; left out, it is not checked. */
  caughtUp?: boolean;
}

export type ReadinessCheck = () => Readiness | Promise<Readiness>;

/** 200 when every part is ready, else 503 naming the parts that are not (a failing check counts as not ready). */
export function readinessHandler(check: ReadinessCheck): RequestHandler {
  return async (_req, res) => {
    let readiness: Readiness;
    try {
      readiness = await check();
    } catch (error) {
      res
        .status(503)
        .json({ ready: false, failing: ['check'], error: error instanceof Error ? error.message : 'error' });
      return;
    }
    const failing = (Object.keys(readiness) as (keyof Readiness)[]).filter((part) => readiness[part] === false);
    res.status(failing.length === 0 ? 200 : 503).json({ ready: failing.length === 0, ...readiness, failing });
  };
}
