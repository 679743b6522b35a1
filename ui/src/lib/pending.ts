// Words being typed reach the vault a moment after typing stops (the screen saves them as a
// pending value). Before the app locks (Hide, the idle timer) and before check your answers is
// read, it asks the screen showing to save what it has now, so nothing typed since is lost (and
// the page counts it): screens register a flush here while mounted.

type Flush = () => Promise<void>;

const flushes = new Set<Flush>();

/** Registers `flush` while a screen is mounted; returns the function that unregisters it. */
export function whileMounted(flush: Flush): () => void {
  flushes.add(flush);
  return () => flushes.delete(flush);
}

/** Saves what every mounted screen has typed and not yet saved. A failure (locked already, or
 *  refused) is not the caller's concern: the words stay on screen, and the core decides. */
export async function flushPending(): Promise<void> {
  await Promise.allSettled([...flushes].map((flush) => flush()));
}

/** How long after the last keystroke typed words are saved. */
export const SAVE_AFTER_MS = 600;
