// Performs one HTTP request per message for the synchronous UrlFetchApp fake. The calling thread blocks in
// Atomics.wait while this thread's event loop does the real fetch; the answer goes back on a MessagePort.
import { parentPort } from 'node:worker_threads';

parentPort.on('message', async ({ signal, port, request, timeoutMs }) => {
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: request.followRedirects ? 'follow' : 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await response.text();
    port.postMessage({ status: response.status, headers: Object.fromEntries(response.headers), body });
  } catch (error) {
    const code = error?.cause?.code ?? error?.name ?? 'Error';
    port.postMessage({ error: String(code), message: String(error?.cause?.message ?? error?.message ?? error) });
  } finally {
    port.close();
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
  }
});
