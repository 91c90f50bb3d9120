/**
 * Makes the first Ctrl-C abort `controller` with an AbortError saying `message` (after calling
 * `beforeAbort`, e.g. to stop a progress bar) and a second one exit at once with code 130.
 * Returns the function that stops listening.
 */
export function abortOnCtrlC(controller: AbortController, message: string, beforeAbort?: () => void): () => void {
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    beforeAbort?.();
    controller.abort(Object.assign(new Error(message), { name: 'AbortError' }));
  };
  process.on('SIGINT', onSigint);
  return () => process.off('SIGINT', onSigint);
}
