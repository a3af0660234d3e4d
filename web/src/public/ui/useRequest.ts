// A request the person starts and may retry (a search, a check): whether it is running, its answer
// and its failure. A new run clears the last failure, and a failed run clears the last answer, so
// the screen never shows an answer to an earlier question beside the failure of this one.
import { useState } from "preact/hooks";

import type { Failure, Outcome } from "../api";

export function useRequest<T>() {
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<T | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);

  /** Runs ``request``; its answer, or ``null`` when it failed. */
  async function run(request: () => Promise<Outcome<T>>): Promise<T | null> {
    setBusy(true);
    setFailure(null);
    const outcome = await request();
    setBusy(false);
    setAnswer(outcome.ok ? outcome.data : null);
    setFailure(outcome.ok ? null : outcome.failure);
    return outcome.ok ? outcome.data : null;
  }

  return { busy, answer, failure, run, setAnswer };
}
